package io.featurestore.storage.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3 protocol server (s3proxy) on a random loopback port, storing objects in a temporary
 * directory. Tests talk to it with the real AWS SDK, exactly as they would to MinIO or AWS.
 */
public final class S3TestServer implements AutoCloseable {
  public static final String ACCESS_KEY = "test-access";
  public static final String SECRET_KEY = "test-secret";

  private final Path directory;
  private final BlobStore blobStore;
  private final S3Proxy proxy;

  private S3TestServer(Path directory, BlobStore blobStore, S3Proxy proxy) {
    this.directory = directory;
    this.blobStore = blobStore;
    this.proxy = proxy;
  }

  public static S3TestServer start() throws Exception {
    Path directory = Files.createTempDirectory("s3-test-server");
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    BlobStore blobStore = BlobStores.create("filesystem-nio2", properties);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.onSpinWait();
    }
    return new S3TestServer(directory, blobStore, proxy);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Creates a fresh bucket and returns a store configuration for it with small (5 MiB) parts. */
  public S3StoreConfig newBucket() {
    String bucket = "test-" + UUID.randomUUID().toString().substring(0, 8);
    blobStore.createContainer(bucket);
    return S3StoreConfig.of(bucket, endpoint(), "us-east-1")
        .withCredentials(ACCESS_KEY, SECRET_KEY)
        .withParts(S3StoreConfig.MIN_PART_SIZE, 2);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory; the OS cleans it eventually
    }
  }
}
