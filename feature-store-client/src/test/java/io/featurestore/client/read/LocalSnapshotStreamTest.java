package io.featurestore.client.read;

import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.storage.local.LocalObjectStore;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class LocalSnapshotStreamTest extends AbstractSnapshotStreamTest {
  static LocalObjectStore store;
  static SnapshotManifest manifest;

  @BeforeAll
  static void write() throws Exception {
    store = new LocalObjectStore(Files.createTempDirectory("stream-test"));
    manifest = TestSnapshots.write(store, "local", ROWS);
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
