package io.featurestore.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ObjectStore} keeps. Each backend runs it by supplying {@link #store()};
 * a backend that differs overrides the test and says why.
 */
public abstract class AbstractObjectStoreTest {
  /** The store under test, empty at the start of each test. */
  protected abstract ObjectStore store();

  protected static byte[] randomBytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  @Test
  void putThenReadBack() throws Exception {
    ObjectKey key = ObjectKey.of("a/b/manifest.json");
    byte[] content = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
    ObjectInfo info = store().put(key, content);
    assertThat(info.size()).isEqualTo(content.length);
    assertThat(store().stat(key)).hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(content.length));
    try (ObjectInput in = store().open(key); InputStream stream = in.newStream(0)) {
      assertThat(in.length()).isEqualTo(content.length);
      assertThat(stream.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void putReplacesExistingObject() throws Exception {
    ObjectKey key = ObjectKey.of("replace/me");
    store().put(key, new byte[] {1, 2, 3});
    store().put(key, new byte[] {4});
    try (ObjectInput in = store().open(key)) {
      assertThat(in.length()).isEqualTo(1);
    }
  }

  @Test
  void positionalAndTailReads() throws Exception {
    ObjectKey key = ObjectKey.of("ranges/data.bin");
    byte[] content = randomBytes(100_000, 1);
    store().put(key, content);
    try (ObjectInput in = store().open(key)) {
      byte[] middle = new byte[1000];
      in.readFully(5000, middle, 0, 1000);
      assertThat(middle).isEqualTo(java.util.Arrays.copyOfRange(content, 5000, 6000));

      byte[] tail = new byte[8];
      assertThat(in.readTail(tail, 0, 8)).isEqualTo(8);
      assertThat(tail).isEqualTo(java.util.Arrays.copyOfRange(content, content.length - 8, content.length));

      try (InputStream stream = in.newStream(99_990)) {
        assertThat(stream.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 99_990, 100_000));
      }
      try (InputStream stream = in.newStream(1_000, 50_000)) {
        assertThat(stream.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 1_000, 51_000));
      }
      assertThatThrownBy(() -> in.newStream(99_000, 1_001)).isInstanceOf(EOFException.class);
      assertThatThrownBy(() -> in.readFully(99_999, new byte[2], 0, 2)).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void multipartUploadIsInvisibleUntilComplete() throws Exception {
    ObjectKey key = ObjectKey.of("big/shard.parquet");
    // Larger than two 5 MiB parts, written in odd-sized pieces.
    byte[] content = randomBytes(12 * 1024 * 1024 + 123, 2);
    try (ObjectUpload upload = store().newUpload(key)) {
      for (int off = 0; off < content.length; off += 777_777) {
        upload.write(content, off, Math.min(777_777, content.length - off));
      }
      assertThat(upload.position()).isEqualTo(content.length);
      assertThat(store().stat(key)).isEmpty();
      ObjectInfo info = upload.complete();
      assertThat(info.size()).isEqualTo(content.length);
    }
    try (ObjectInput in = store().open(key); InputStream stream = in.newStream(0)) {
      assertThat(in.length()).isEqualTo(content.length);
      assertThat(stream.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void abortedOrUnclosedUploadLeavesNothing() throws Exception {
    ObjectKey aborted = ObjectKey.of("abort/one");
    try (ObjectUpload upload = store().newUpload(aborted)) {
      upload.write(randomBytes(11 * 1024 * 1024, 3));
      upload.abort();
    }
    ObjectKey closed = ObjectKey.of("abort/two");
    try (ObjectUpload upload = store().newUpload(closed)) {
      upload.write(new byte[] {1, 2, 3});
    }
    assertThat(store().stat(aborted)).isEmpty();
    assertThat(store().stat(closed)).isEmpty();
    assertThat(store().list(ObjectKey.of("abort"))).isEmpty();
  }

  @Test
  void writeAfterCompleteFails() throws Exception {
    ObjectUpload upload = store().newUpload(ObjectKey.of("done/x"));
    upload.write(1);
    upload.complete();
    assertThatThrownBy(() -> upload.write(2)).isInstanceOf(java.io.IOException.class);
    upload.close();
    assertThat(store().stat(ObjectKey.of("done/x"))).isPresent();
  }

  @Test
  void emptyObject() throws Exception {
    ObjectKey key = ObjectKey.of("empty/object");
    try (ObjectUpload upload = store().newUpload(key)) {
      upload.complete();
    }
    try (ObjectInput in = store().open(key); InputStream stream = in.newStream(0)) {
      assertThat(in.length()).isZero();
      assertThat(stream.read()).isEqualTo(-1);
    }
  }

  @Test
  void listsOnlyUnderPrefixInKeyOrder() throws Exception {
    store().put(ObjectKey.of("fs/a/v1/data/2"), new byte[2]);
    store().put(ObjectKey.of("fs/a/v1/data/1"), new byte[1]);
    store().put(ObjectKey.of("fs/a/v1/manifests/m"), new byte[3]);
    store().put(ObjectKey.of("fs/ab/v1/data/1"), new byte[4]);
    List<ObjectInfo> listed = store().list(ObjectKey.of("fs/a"));
    assertThat(listed).extracting(i -> i.key().path())
        .containsExactly("fs/a/v1/data/1", "fs/a/v1/data/2", "fs/a/v1/manifests/m");
    assertThat(listed).extracting(ObjectInfo::size).containsExactly(1L, 2L, 3L);
    assertThat(store().list(ObjectKey.of("nothing/here"))).isEmpty();
  }

  @Test
  void deleteIgnoresMissingKeys() throws Exception {
    store().put(ObjectKey.of("del/1"), new byte[1]);
    store().put(ObjectKey.of("del/2"), new byte[1]);
    store().delete(List.of(ObjectKey.of("del/1"), ObjectKey.of("del/2"), ObjectKey.of("del/missing")));
    assertThat(store().list(ObjectKey.of("del"))).isEmpty();
  }

  @Test
  void missingObjectIsNotFound() {
    assertThatThrownBy(() -> store().open(ObjectKey.of("no/such/object")))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
          assertThat(e.getMessage()).contains("no/such/object");
        });
    // Opened with a known length, a store may only find out at the first read.
    assertThatThrownBy(() -> {
      try (ObjectInput in = store().open(ObjectKey.of("no/such/shard"), 10)) {
        in.readFully(0, new byte[10], 0, 10);
      }
    }).isInstanceOfSatisfying(FeatureStoreException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
      assertThat(e.getMessage()).contains("no/such/shard");
    });
  }

  @Test
  void objectOpenedWithItsKnownLengthReadsTheSame() throws Exception {
    ObjectKey key = ObjectKey.of("known/length");
    byte[] content = randomBytes(70_000, 9);
    store().put(key, content);
    try (ObjectInput in = store().open(key, content.length)) {
      byte[] middle = new byte[1000];
      in.readFully(30_000, middle, 0, middle.length);
      assertThat(middle).isEqualTo(java.util.Arrays.copyOfRange(content, 30_000, 31_000));
      try (InputStream stream = in.newStream(69_000, 1000)) {
        assertThat(stream.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 69_000, 70_000));
      }
    }
  }
}
