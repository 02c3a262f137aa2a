package io.featurestore.server;

import io.featurestore.storage.s3.S3StoreConfig;
import io.featurestore.storage.s3.S3TestServer;
import org.springframework.test.context.DynamicPropertyRegistry;

/** A real S3 protocol server (s3proxy) for server tests, started once per test JVM. */
public final class TestS3 {
  private static S3TestServer server;

  private TestS3() {}

  /** Points the application's bucket at a fresh bucket on the shared server. */
  public static void register(DynamicPropertyRegistry registry) {
    S3StoreConfig bucket = server().newBucket();
    registry.add("feature-store.bucket.type", () -> "s3");
    registry.add("feature-store.bucket.s3.bucket", bucket::bucket);
    registry.add("feature-store.bucket.s3.endpoint", () -> bucket.endpoint().toString());
    registry.add("feature-store.bucket.s3.access-key", bucket::accessKey);
    registry.add("feature-store.bucket.s3.secret-key", bucket::secretKey);
    registry.add("feature-store.bucket.s3.part-size", () -> "5MB");
    registry.add("feature-store.bucket.s3.max-parts-in-flight", () -> "2");
  }

  private static synchronized S3TestServer server() {
    if (server == null) {
      try {
        server = S3TestServer.start();
      } catch (Exception e) {
        throw new IllegalStateException("could not start the S3 test server", e);
      }
      S3TestServer started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (Exception ignored) {
          // the JVM is exiting
        }
      }));
    }
    return server;
  }
}
