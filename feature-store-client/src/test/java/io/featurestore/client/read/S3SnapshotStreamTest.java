package io.featurestore.client.read;

import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.storage.s3.S3ObjectStore;
import io.featurestore.storage.s3.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same reads from an S3 protocol server: ranged GETs of column chunks. */
class S3SnapshotStreamTest extends AbstractSnapshotStreamTest {
  static S3TestServer server;
  static S3ObjectStore store;
  static SnapshotManifest manifest;

  @BeforeAll
  static void write() throws Exception {
    server = S3TestServer.start();
    store = new S3ObjectStore(server.newBucket());
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
}
