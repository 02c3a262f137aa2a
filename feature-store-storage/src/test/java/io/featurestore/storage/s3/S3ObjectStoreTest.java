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
    byte[] content = new byte[8 * 1024 * 1024 + 17];
    new java.util.Random(1).nextBytes(content);
    ObjectKey key = ObjectKey.of("big/object.bin");
    store.put(key, content);
    // More drops than the 5 retries: each resume made progress, so none of them is a failure.
    try (DroppingProxy proxy = new DroppingProxy(server.endpoint(), 700_000, 8);
        S3ObjectStore flaky = new S3ObjectStore(config.withEndpoint(proxy.endpoint()))) {
      byte[] read = new byte[content.length];
      try (ObjectInput input = flaky.open(key)) {
        input.readFully(0, read, 0, read.length);
        assertThat(read).isEqualTo(content);
        try (java.io.InputStream stream = input.newStream(5)) {
          assertThat(stream.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 5, content.length));
        }
      }
      assertThat(proxy.cuts.get()).isEqualTo(8);
    }
  }

  @Test
  void listingSkipsKeysOtherToolsPutThere() throws Exception {
    store.put(ObjectKey.of("set/data/part-0"), new byte[3]);
    // A console's "folder" and a Windows-style path, which no store key names.
    for (String foreign : new String[] {"tenant/root/set/data/", "tenant/root/set/data\\part-1"}) {
      store.client().putObject(b -> b.bucket(config.bucket()).key(foreign), software.amazon.awssdk.core.sync.RequestBody.empty());
    }
    assertThat(store.list(ObjectKey.of("set"))).extracting(o -> o.key().path()).containsExactly("set/data/part-0");
  }

  @Test
  void multipartUploadWithChecksumsCompletes() throws Exception { // 4 parts, each with its CRC32C
    S3StoreConfig withChecksums = new S3StoreConfig(
        config.bucket(), config.prefix(), config.endpoint(), config.region(), true, S3TestServer.ACCESS_KEY,
        S3TestServer.SECRET_KEY, S3StoreConfig.MIN_PART_SIZE, 2, 2, true, null, null, Duration.ofSeconds(30), 2);
    byte[] content = randomBytes(3 * S3StoreConfig.MIN_PART_SIZE + 5, 4);
    try (S3ObjectStore checked = new S3ObjectStore(withChecksums)) {
      ObjectKey key = ObjectKey.of("checked/object");
      try (ObjectUpload upload = checked.newUpload(key)) {
        upload.write(content);
        upload.complete();
      }
      byte[] read = new byte[content.length];
      try (ObjectInput input = checked.open(key)) {
        input.readFully(0, read, 0, read.length);
      }
      assertThat(read).isEqualTo(content);
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
