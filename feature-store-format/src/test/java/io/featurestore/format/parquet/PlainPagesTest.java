package io.featurestore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;

/** Golden vectors of the RLE / bit-packing hybrid encoding, from the Parquet format specification; pages that do not add up. */
class PlainPagesTest {
  @Test
  void setValidSetsExactlyTheBitsOfTheRange() {
    try (org.apache.arrow.memory.RootAllocator allocator = new org.apache.arrow.memory.RootAllocator();
        org.apache.arrow.memory.ArrowBuf validity = allocator.buffer(16)) {
      for (int[] range : new int[][] {{3, 50}, {0, 64}, {8, 16}, {5, 2}, {0, 0}, {61, 67}}) {
        validity.setZero(0, 16);
        PlainPages.setValid(validity, range[0], range[1]);
        for (int bit = 0; bit < 128; bit++) {
          boolean inside = bit >= range[0] && bit < range[0] + range[1];
          assertThat(org.apache.arrow.vector.BitVectorHelper.get(validity, bit))
              .as("bit %d of [%d, +%d)", bit, range[0], range[1]).isEqualTo(inside ? 1 : 0);
        }
      }
    }
  }

  private static int[] decode(int bitWidth, int count, int... bytes) throws IOException {
    byte[] raw = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      raw[i] = (byte) bytes[i];
    }
    return PlainPages.decodeHybrid(ByteBuffer.wrap(raw), bitWidth, count, null);
  }

  @Test
  void bitPackedRunOfTheSpecExample() throws IOException {
    // Spec (Encodings.md): 0..7 with bit width 3 pack to 10001000 11000110 11111010; header (1 group << 1) | 1.
    assertThat(decode(3, 8, 0x03, 0x88, 0xC6, 0xFA)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void rleRunsAndPaddedBitPackedGroups() throws IOException {
    // RLE: 300 times the value 1 (header 300 << 1 = 600 = 0xD8 0x04), then a bit-packed group of
    // width 1 holding 1,0,1 and padding, of which only 3 values are wanted.
    int[] levels = decode(1, 303, 0xD8, 0x04, 0x01, 0x03, 0b00000101);
    assertThat(levels).hasSize(303);
    for (int i = 0; i < 300; i++) {
      assertThat(levels[i]).isEqualTo(1);
    }
    assertThat(new int[] {levels[300], levels[301], levels[302]}).containsExactly(1, 0, 1);
  }

  @Test
  void truncatedLevelsAreAnError() {
    assertThatThrownBy(() -> decode(1, 10, 0x08, 0x01)).isInstanceOf(IOException.class); // RLE of 4, then nothing
  }

  @Test
  void aPageWithoutNullsIsOneRunOfTheMaximumDefinitionLevel() throws IOException {
    int[] ones = new int[100];
    java.util.Arrays.fill(ones, 1);
    ByteBuffer run = levels(ones).toByteBuffer();
    assertThat(PlainPages.isRunOf(run, 1, 100, 1)).isTrue();
    assertThat(PlainPages.isRunOf(run, 1, 101, 1)).as("shorter than the page").isFalse();
    assertThat(PlainPages.isRunOf(run, 1, 100, 0)).as("a run of another level").isFalse();
    ones[50] = 0;
    assertThat(PlainPages.isRunOf(levels(ones).toByteBuffer(), 1, 100, 1)).as("a null in the page").isFalse();
    assertThat(PlainPages.isRunOf(levels(0, 1, 0, 1).toByteBuffer(), 1, 4, 1)).as("bit-packed").isFalse();
    assertThat(run.position()).as("nothing consumed").isZero();
  }

  @Test
  void aPlainPageShorterThanItsValuesIsAnError() throws IOException {
    ColumnDescriptor leaf = new ColumnDescriptor(new String[] {"x"}, Types.required(PrimitiveTypeName.FLOAT).named("x"), 0, 0);
    PlainPages pages = new PlainPages(reader(page(10, BytesInput.empty(), new byte[20])), leaf, new PageDecompression());
    assertThatThrownBy(pages::available).isInstanceOf(IOException.class).hasMessage("column x has a PLAIN page of 10 values in 20 bytes");
  }

  @Test
  void aPagesLastListIsNotTakenWholeAsTheNextPageMayContinueIt() throws IOException {
    ColumnDescriptor leaf = new ColumnDescriptor(new String[] {"v", "e"}, Types.required(PrimitiveTypeName.FLOAT).named("e"), 1, 1);
    // Lists of 2: page one holds [a, b] and the start of [c, d, e], which page two continues.
    PlainPages pages = new PlainPages(
        reader(page(4, levels(0, 1, 0, 1), new byte[16], levels(1, 1, 1, 1)), page(3, levels(1, 1, 0), new byte[12], levels(1, 1, 1))),
        leaf, new PageDecompression());
    assertThat(pages.available()).isEqualTo(4);
    assertThat(pages.fullRecords(2, 10)).isEqualTo(1);
  }

  private static DataPageV2 page(int values, BytesInput repetition, byte[] data) {
    return page(values, repetition, data, BytesInput.empty());
  }

  private static DataPageV2 page(int values, BytesInput repetition, byte[] data, BytesInput definition) {
    return DataPageV2.uncompressed(values, 0, values, repetition, definition, Encoding.PLAIN, BytesInput.from(data),
        Statistics.createStats(Types.required(PrimitiveTypeName.FLOAT).named("x")));
  }

  private static BytesInput levels(int... levels) throws IOException {
    try (RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(1, 64, 1024, new HeapByteBufferAllocator())) {
      for (int level : levels) {
        encoder.writeInt(level);
      }
      return BytesInput.copy(encoder.toBytes());
    }
  }

  private static PageReader reader(DataPage... pages) {
    Iterator<DataPage> next = List.of(pages).iterator();
    return new PageReader() {
      @Override
      public DictionaryPage readDictionaryPage() {
        return null;
      }

      @Override
      public long getTotalValueCount() {
        return List.of(pages).stream().mapToLong(DataPage::getValueCount).sum();
      }

      @Override
      public DataPage readPage() {
        return next.hasNext() ? next.next() : null;
      }
    };
  }
}
