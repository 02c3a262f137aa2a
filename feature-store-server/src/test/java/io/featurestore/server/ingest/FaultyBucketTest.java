package io.featurestore.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import io.featurestore.server.storage.BucketProperties;
import io.featurestore.storage.ForwardingObjectStore;
import io.featurestore.storage.local.LocalObjectStore;
import io.featurestore.server.TestApi.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * The bucket fails in the middle of an ingest: the upload gets 503, no snapshot is committed and
 * nothing the ingest wrote is left in the bucket. The bucket stalls: requests beyond the server's
 * limits get 503 and a Retry-After. Faults are injected around the real local store.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(FaultyBucketTest.Faults.class)
class FaultyBucketTest extends IngestTestSupport {
  @Autowired FaultyStore faulty;

  @TestConfiguration
  static class Faults {
    @Bean(destroyMethod = "close")
    @Primary
    FaultyStore faultyStore(BucketProperties properties) {
      return new FaultyStore(new LocalObjectStore(properties.local().root()));
    }
  }

  @AfterEach
  void heal() {
    faulty.failUploadsAfterBytes = -1;
    faulty.failPuts = false;
    faulty.stall(null, null);
  }

  @Test
  void uploadsBeyondTheLimitAreToldToRetry() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    faulty.stall(release, null);
    List<CompletableFuture<Response>> running = new ArrayList<>();
    for (int i = 0; i < 2; i++) { // feature-store.ingest.max-concurrent
      long first = i * 1000L;
      running.add(CompletableFuture.supplyAsync(() -> uploadArrow(first, 1000)));
    }
    assertThat(faulty.stalled.tryAcquire(2, 30, TimeUnit.SECONDS)).as("both uploads reached the bucket").isTrue();
    assertBusy(uploadArrow(5000, 1000), "ingest-busy");
    release.countDown();
    assertThat(running).allSatisfy(r -> assertThat(r.join().status()).as(r.join().raw().body()).isEqualTo(201));
    assertThat(manifest("latest").rowCount()).isEqualTo(2000);
  }

  @Test
  void registrationsBeyondTheLimitAreToldToRetry() throws Exception {
    Path file = duckParquet(10, "i::BIGINT", true);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      keys.add(putExternalShard(file));
    }
    CountDownLatch release = new CountDownLatch(1);
    faulty.stall(null, release);
    List<CompletableFuture<Response>> running = new ArrayList<>();
    for (String key : keys.subList(0, 2)) {
      running.add(CompletableFuture.supplyAsync(() -> api.post(snapshots() + "/register", registration(key, 0))));
    }
    assertThat(faulty.stalled.tryAcquire(2, 30, TimeUnit.SECONDS)).as("both registrations reached the bucket").isTrue();
    assertBusy(api.post(snapshots() + "/register", registration(keys.get(2), Files.size(file))), "registration-busy");
    release.countDown();
    // The stalled ones go on checking: they stated a wrong size, which nothing but a check could find.
    assertThat(running).allSatisfy(r -> assertThat(r.join().body().get("code").asString()).isEqualTo("shard-size-mismatch"));
    assertThat(api.post(snapshots() + "/register", registration(keys.get(2), Files.size(file))).status()).isEqualTo(201);
  }

  private static void assertBusy(Response response, String code) {
    assertThat(response.status()).as(response.raw().body()).isEqualTo(503);
    assertThat(response.body().get("code").asString()).isEqualTo(code);
    assertThat(response.header("Retry-After")).isEqualTo("5");
  }

  @Test
  void failureWhileWritingShardsLeavesNothing() throws Exception {
    faulty.failUploadsAfterBytes = 1536 * 1024; // within the second shard of 1 MiB
    assertUnavailable(uploadArrow(0, 300_000));
    assertThat(api.get(snapshots()).body().get("items")).isEmpty();
    assertThat(objectsOfVersion()).isEmpty();
  }

  @Test
  void failureWhileWritingBothFormatsLeavesNothing() throws Exception {
    useBothFormats();
    faulty.failUploadsAfterBytes = 2560 * 1024; // Parquet and TFRecord shards are written side by side
    assertUnavailable(uploadArrow(0, 300_000));
    assertThat(api.get(snapshots()).body().get("items")).isEmpty();
    assertThat(objectsOfVersion()).isEmpty();
  }

  @Test
  void failureWhileWritingManifestLeavesNothing() throws Exception {
    faulty.failPuts = true;
    assertUnavailable(uploadArrow(0, 300_000));
    assertThat(api.get(snapshots()).body().get("items")).isEmpty();
    assertThat(objectsOfVersion()).isEmpty();
  }

  private static void assertUnavailable(Response response) {
    assertThat(response.status()).as(response.raw().body()).isEqualTo(503);
    assertThat(response.body().get("code").asString()).isEqualTo("bucket-unavailable");
    assertThat(response.body().get("detail").asString()).contains("injected fault");
  }

  /**
   * Fails uploads past a byte count and small puts on demand, and stalls new uploads or stats until
   * released; otherwise the real store.
   */
  static final class FaultyStore extends ForwardingObjectStore {
    volatile long failUploadsAfterBytes = -1;
    volatile boolean failPuts;
    /** A permit for each call that stalled. */
    final Semaphore stalled = new Semaphore(0);
    private volatile CountDownLatch stallUploads;
    private volatile CountDownLatch stallStats;
    private long uploadedBytes;

    FaultyStore(ObjectStore store) {
      super(store);
    }

    /** New uploads and stats wait for their latch; null for none. */
    void stall(CountDownLatch uploads, CountDownLatch stats) {
      stallUploads = uploads;
      stallStats = stats;
      stalled.drainPermits();
    }

    private void waitFor(CountDownLatch release) throws IOException {
      if (release == null) {
        return;
      }
      stalled.release();
      try {
        if (!release.await(60, TimeUnit.SECONDS)) {
          throw new IOException("stalled too long");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }

    @Override
    public Optional<ObjectInfo> stat(ObjectKey key) throws IOException {
      waitFor(stallStats);
      return super.stat(key);
    }

    @Override
    public ObjectUpload newUpload(ObjectKey key) throws IOException {
      waitFor(stallUploads);
      return new ForwardingUpload(super.newUpload(key)) {
        @Override
        public void write(int b) throws IOException {
          count(1);
          super.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          count(len);
          super.write(b, off, len);
        }

        private void count(int n) throws IOException {
          synchronized (FaultyStore.this) {
            uploadedBytes += n;
            if (failUploadsAfterBytes >= 0 && uploadedBytes > failUploadsAfterBytes) {
              throw new IOException("injected fault: connection to the bucket lost");
            }
          }
        }
      };
    }

    @Override
    public ObjectInfo put(ObjectKey key, byte[] content) throws IOException {
      if (failPuts) {
        throw new IOException("injected fault: bucket refused the write");
      }
      return super.put(key, content);
    }
  }
}
