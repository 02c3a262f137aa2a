package io.featurestore.client.read;

import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.storage.local.LocalObjectStore;
import java.nio.file.Files;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Uncompressed TFRecord shards on local disk. */
class LocalTfRecordSnapshotStreamTest extends AbstractTfRecordStreamTest {
  static LocalObjectStore store;
  static SnapshotManifest manifest;

  @BeforeAll
  static void write() throws Exception {
    store = new LocalObjectStore(Files.createTempDirectory("tfrecord-stream-test"));
    manifest = TestSnapshots.write(store, "local-tfrecord", ROWS, Set.of(ShardFormat.PARQUET, ShardFormat.TFRECORD), Compression.NONE);
  }

  @AfterAll
  static void close() throws Exception {
    store.close();
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
