package io.featurestore.client.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.client.shards.DirectShards;
import io.featurestore.storage.s3.DroppingProxy;
import io.featurestore.storage.s3.S3ObjectStore;
import io.featurestore.storage.s3.S3StoreConfig;
import io.featurestore.storage.s3.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same reads from an S3 protocol server: ranged GETs of column chunks. */
class S3SnapshotStreamTest extends AbstractSnapshotStreamTest {
  static S3TestServer server;
  static S3StoreConfig bucket;
  static S3ObjectStore store;
  static SnapshotManifest manifest;

  @BeforeAll
  static void write() throws Exception {
    server = S3TestServer.start();
    bucket = server.newBucket();
    store = new S3ObjectStore(bucket);
    manifest = TestSnapshots.write(store, "s3", ROWS);
  }

  @AfterAll
  static void close() throws Exception {
    store.close();
    server.close();
  }

  @Override
  ObjectStore store() {
    return store;
  }

  @Override
  SnapshotManifest manifest() {
    return manifest;
  }

  @Test
  void droppedConnectionsAreResumedAndEveryRowArrives() throws Exception {
    // The first five responses are cut after 100 KB, as a flaky network would: reads resume from the byte reached.
    try (DroppingProxy proxy = new DroppingProxy(server.endpoint(), 100_000, 5);
        S3ObjectStore flaky = new S3ObjectStore(bucket.withEndpoint(proxy.endpoint()));
        SnapshotStream stream = open(manifest, new DirectShards(flaky), ReadOptions.ordered(), null, 8L << 20)) {
      long rows = 0;
      while (stream.next()) {
        assertValues(stream);
        rows += stream.batch().getRowCount();
      }
      assertThat(rows).isEqualTo(ROWS);
      assertThat(proxy.cuts.get()).isEqualTo(5);
    }
  }
}
