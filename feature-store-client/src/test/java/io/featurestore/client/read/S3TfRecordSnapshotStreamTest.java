package io.featurestore.client.read;

import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.storage.s3.S3ObjectStore;
import io.featurestore.storage.s3.S3TestServer;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** GZIP TFRecord shards from an S3 protocol server: one ranged GET per block, each block its own gzip member. */
class S3TfRecordSnapshotStreamTest extends AbstractTfRecordStreamTest {
  static S3TestServer server;
  static S3ObjectStore store;
  static SnapshotManifest manifest;

  @BeforeAll
  static void write() throws Exception {
    server = S3TestServer.start();
    store = new S3ObjectStore(server.newBucket());
    manifest = TestSnapshots.write(store, "s3-tfrecord", ROWS, Set.of(ShardFormat.PARQUET, ShardFormat.TFRECORD), Compression.GZIP);
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
}
