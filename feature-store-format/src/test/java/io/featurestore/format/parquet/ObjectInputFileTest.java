package io.featurestore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.storage.ObjectKey;
import io.featurestore.storage.local.LocalObjectStore;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.io.SeekableInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectInputFileTest {
  private static final ObjectKey KEY = ObjectKey.of("data/object.bin");
  private static final int LENGTH = 100_000;
  @TempDir Path root;
  private LocalObjectStore store;
  private byte[] content;

  @BeforeEach
  void setUp() throws Exception {
    store = new LocalObjectStore(root);
    content = new byte[LENGTH];
    new Random(42).nextBytes(content);
    store.put(KEY, content);
  }

  @Test
  void aDeclaredRangeIsReadThroughOneRequestToItsEnd() throws Exception {
    try (CountingObjectInput input = new CountingObjectInput(store.open(KEY))) {
      ObjectInputFile file = new ObjectInputFile(KEY.path(), input);
      file.expectSequentialReads(java.util.Map.of(1_000L, 71_000L));
      try (SeekableInputStream in = file.newStream()) {
        in.seek(1_000);
        byte[] read = new byte[70_000];
        in.readFully(read, 0, 30_000);
        in.readFully(read, 30_000, 39_900);
        in.readFully(read, 69_900, 100); // the run's short tail comes from the same request
        assertThat(read).isEqualTo(Arrays.copyOfRange(content, 1_000, 71_000));
        assertThat(input.streams).isEqualTo(1);
        assertThat(input.reads).as("no positional reads").isZero();

        in.seek(500); // outside the range: read as before
        byte[] other = new byte[20_000];
        in.readFully(other);
        assertThat(other).isEqualTo(Arrays.copyOfRange(content, 500, 20_500));
        assertThat(input.streams).isEqualTo(1);
        assertThat(input.reads).isEqualTo(1);
      }
    }
  }

  @Test
  void readsTheObjectsBytesAtAnyPosition() throws Exception {
    try (CountingObjectInput input = new CountingObjectInput(store.open(KEY));
        SeekableInputStream in = new ObjectInputFile(KEY.path(), input).newStream()) {
      in.seek(10);
      assertThat(in.read()).isEqualTo(content[10] & 0xff);
      byte[] small = new byte[100];
      in.readFully(small);
      assertThat(small).isEqualTo(Arrays.copyOfRange(content, 11, 111));
      assertThat(in.getPos()).isEqualTo(111);

      byte[] large = new byte[50_000]; // larger than the buffer: read directly, partly from the buffer
      in.readFully(large, 0, large.length);
      assertThat(large).isEqualTo(Arrays.copyOfRange(content, 111, 50_111));

      ByteBuffer direct = ByteBuffer.allocateDirect(30_000);
      in.seek(60_000);
      in.readFully(direct);
      direct.flip();
      byte[] copied = new byte[30_000];
      direct.get(copied);
      assertThat(copied).isEqualTo(Arrays.copyOfRange(content, 60_000, 90_000));

      ByteBuffer heap = ByteBuffer.allocate(20_000);
      assertThat(in.read(heap)).isEqualTo(10_000); // only 10,000 bytes are left
      assertThat(Arrays.copyOf(heap.array(), 10_000)).isEqualTo(Arrays.copyOfRange(content, 90_000, LENGTH));
      assertThat(in.read()).isEqualTo(-1);
      assertThat(in.read(new byte[10], 0, 10)).isEqualTo(-1);
    }
  }

  @Test
  void readsPastTheEndFail() throws Exception {
    try (CountingObjectInput input = new CountingObjectInput(store.open(KEY));
        SeekableInputStream in = new ObjectInputFile(KEY.path(), input).newStream()) {
      in.seek(LENGTH - 4);
      assertThatThrownBy(() -> in.readFully(new byte[8])).isInstanceOf(EOFException.class).hasMessageContaining(KEY.path());
      assertThatThrownBy(() -> in.seek(LENGTH + 1)).isInstanceOf(EOFException.class);
      assertThat(in.skip(100)).isEqualTo(4);
    }
  }

  @Test
  void readsTheTailInOneRequestAndKeepsTheObjectOpen() throws Exception {
    try (CountingObjectInput input = new CountingObjectInput(store.open(KEY))) {
      ObjectInputFile file = new ObjectInputFile(KEY.path(), input);
      try (SeekableInputStream in = file.newStream()) {
        // What a Parquet reader does: footer length and magic byte by byte, then the footer itself.
        in.seek(LENGTH - 8);
        for (int i = 0; i < 8; i++) {
          assertThat(in.read()).isEqualTo(content[LENGTH - 8 + i] & 0xff);
        }
        in.seek(LENGTH - 5_000);
        byte[] footer = new byte[4_992];
        in.readFully(footer);
        assertThat(footer).isEqualTo(Arrays.copyOfRange(content, LENGTH - 5_000, LENGTH - 8));
      }
      assertThat(input.reads).isEqualTo(1);
      assertThat(input.bytesRead).isEqualTo(ObjectInputFile.BUFFER_BYTES);
      assertThat(input.closed).isFalse();
    }
  }
}
