package io.featurestore.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import io.featurestore.storage.AbstractObjectStoreTest;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class S3ObjectStoreTest extends AbstractObjectStoreTest {
  private static S3TestServer server;
  private S3StoreConfig config;
  private S3ObjectStore store;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void open() {
    config = server.newBucket().withPrefix("tenant/root");
    store = new S3ObjectStore(config);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Test
  void droppedConnectionsResumeFromTheByteAlreadyRead() throws Exception {
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(1).nextBytes(content);
    ObjectKey key = ObjectKey.of("big/object.bin");
    store.put(key, content);
    try (DroppingProxy proxy = new DroppingProxy(server.endpoint(), 700_000, 3);
        S3ObjectStore flaky = new S3ObjectStore(config.withEndpoint(proxy.endpoint()))) {
      byte[] read = new byte[content.length];
      try (ObjectInput input = flaky.open(key)) {
        input.readFully(0, read, 0, read.length);
        assertThat(read).isEqualTo(content);
        try (java.io.InputStream stream = input.newStream(5)) {
          assertThat(stream.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 5, content.length));
        }
      }
      assertThat(proxy.cuts.get()).isEqualTo(3);
    }
  }

  @Test
  void keysLiveUnderTheConfiguredPrefix() throws Exception {
    store.put(ObjectKey.of("a/b"), new byte[1]);
    assertThat(store.uri(ObjectKey.of("a/b"))).isEqualTo("s3://" + config.bucket() + "/tenant/root/a/b");
    var listed = store.client().listObjectsV2(b -> b.bucket(config.bucket())).contents();
    assertThat(listed).extracting(o -> o.key()).containsExactly("tenant/root/a/b");
  }

  @Test
  void abortRemovesTheMultipartUpload() throws Exception {
    try (ObjectUpload upload = store.newUpload(ObjectKey.of("mpu/aborted"))) {
      upload.write(randomBytes(6 * 1024 * 1024, 9));
    }
    var uploads = store.client().listMultipartUploads(b -> b.bucket(config.bucket())).uploads();
    assertThat(uploads).isEmpty();
  }

  @Test
  void unreachableStoreIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    S3StoreConfig unreachable = new S3StoreConfig(
        "bucket", "", URI.create("http://127.0.0.1:" + closedPort), "us-east-1", true,
        S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, S3StoreConfig.MIN_PART_SIZE, 1, 1, false, null, null,
        Duration.ofSeconds(2), 0);
    try (S3ObjectStore down = new S3ObjectStore(unreachable)) {
      assertThatThrownBy(() -> down.put(ObjectKey.of("x"), new byte[1]))
          .isInstanceOfSatisfying(FeatureStoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
      ObjectUpload upload = down.newUpload(ObjectKey.of("y"));
      upload.write(new byte[10]);
      assertThatThrownBy(upload::complete)
          .isInstanceOfSatisfying(FeatureStoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
    }
  }

  @Test
  void missingBucketIsReportedByName() {
    S3StoreConfig wrong = S3StoreConfig.of("no-such-bucket", server.endpoint(), "us-east-1")
        .withCredentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);
    try (S3ObjectStore missing = new S3ObjectStore(wrong)) {
      assertThatThrownBy(() -> missing.put(ObjectKey.of("x"), new byte[1]))
          .isInstanceOfSatisfying(FeatureStoreException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("no-such-bucket");
          });
    }
  }

  @Test
  void secretIsNotPrinted() {
    assertThat(config.toString()).doesNotContain(S3TestServer.SECRET_KEY).contains("***");
  }
}
