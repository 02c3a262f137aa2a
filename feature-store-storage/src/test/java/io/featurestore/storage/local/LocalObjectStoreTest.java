package io.featurestore.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import io.featurestore.storage.AbstractObjectStoreTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreTest extends AbstractObjectStoreTest {
  @TempDir Path root;
  private LocalObjectStore store;

  @BeforeEach
  void open() {
    store = new LocalObjectStore(root);
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Test
  void anOpenObjectStaysReadableAfterItIsDeleted() throws Exception {
    // The client's shard cache evicts files that readers still hold open.
    ObjectKey key = ObjectKey.of("cache/shard");
    store.put(key, new byte[] {1, 2, 3, 4, 5});
    try (ObjectInput input = store.open(key)) {
      store.delete(java.util.List.of(key));
      try (java.io.InputStream stream = input.newStream(1, 3)) {
        assertThat(stream.readAllBytes()).containsExactly(2, 3, 4);
      }
      byte[] last = new byte[1];
      input.readFully(4, last, 0, 1);
      assertThat(last).containsExactly(5);
    }
  }

  @Test
  void listingSkipsFilesNoKeyNames() throws Exception {
    store.put(ObjectKey.of("set/data/part-0"), new byte[3]);
    Files.writeString(root.resolve("set/data/editor-backup\u0001"), "left by another tool");
    assertThat(store.list(ObjectKey.of("set"))).extracting(o -> o.key().path()).containsExactly("set/data/part-0");
  }

  @Test
  void stagingFilesAreNotListedAndAreRemovedOnAbort() throws Exception {
    try (ObjectUpload upload = store.newUpload(ObjectKey.of("x/y"))) {
      upload.write(new byte[10]);
      try (var staged = Files.list(root.resolve(LocalObjectStore.STAGING))) {
        assertThat(staged).hasSize(1);
      }
    }
    try (var staged = Files.list(root.resolve(LocalObjectStore.STAGING))) {
      assertThat(staged).isEmpty();
    }
  }
}
