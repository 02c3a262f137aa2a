package io.featurestore.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import io.featurestore.server.storage.BucketProperties;
import io.featurestore.storage.ForwardingObjectStore;
import io.featurestore.storage.local.LocalObjectStore;
import java.io.IOException;
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
 * nothing the ingest wrote is left in the bucket. Faults are injected around the real local store.
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

  private static void assertUnavailable(io.featurestore.server.TestApi.Response response) {
    assertThat(response.status()).as(response.raw().body()).isEqualTo(503);
    assertThat(response.body().get("code").asString()).isEqualTo("bucket-unavailable");
    assertThat(response.body().get("detail").asString()).contains("injected fault");
  }

  /** Fails uploads past a byte count and small puts on demand; otherwise the real store. */
  static final class FaultyStore extends ForwardingObjectStore {
    volatile long failUploadsAfterBytes = -1;
    volatile boolean failPuts;
    private long uploadedBytes;

    FaultyStore(ObjectStore store) {
      super(store);
    }

    @Override
    public ObjectUpload newUpload(ObjectKey key) throws IOException {
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
