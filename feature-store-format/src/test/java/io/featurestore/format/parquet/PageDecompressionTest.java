package io.featurestore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.xerial.snappy.Snappy;

class PageDecompressionTest {
  @ParameterizedTest
  @EnumSource(value = CompressionCodecName.class, names = {"SNAPPY", "ZSTD"})
  void decompressesPagesIntoTheArraysOfReturnedOnes(CompressionCodecName codec) throws IOException {
    PageDecompression decompression = new PageDecompression();
    BytesInputDecompressor decompressor = decompression.getDecompressor(codec);
    byte[] first = page(1, 1000);
    byte[] second = page(2, 900);
    byte[] third = page(3, 800);

    BytesInput one = decompressor.decompress(BytesInput.from(compress(codec, first)), first.length);
    assertThat(one.toByteArray()).isEqualTo(first);
    byte[] oneArray = one.toByteBuffer().array();

    BytesInput two = decompressor.decompress(BytesInput.from(compress(codec, second)), second.length);
    assertThat(two.toByteBuffer().array()).as("the first page was not returned").isNotSameAs(oneArray);
    assertThat(one.toByteArray()).as("and is left as it was").isEqualTo(first);

    decompression.recycle(one);
    decompression.recycle(BytesInput.from(new byte[2000])); // not one of its pages: ignored
    BytesInput three = decompressor.decompress(BytesInput.from(compress(codec, third)), third.length);
    assertThat(three.toByteBuffer().array()).isSameAs(oneArray);
    assertThat(three.size()).isEqualTo(third.length);
    assertThat(three.toByteArray()).isEqualTo(third);
    assertThat(two.toByteArray()).isEqualTo(second);
  }

  @ParameterizedTest
  @EnumSource(value = CompressionCodecName.class, names = {"SNAPPY", "ZSTD"})
  void decompressesPagesInDirectMemoryThroughParquetJava(CompressionCodecName codec) throws IOException {
    byte[] page = page(5, 1000);
    byte[] compressed = compress(codec, page);
    ByteBuffer direct = ByteBuffer.allocateDirect(compressed.length).put(compressed).flip();
    BytesInput decompressed = new PageDecompression().getDecompressor(codec).decompress(BytesInput.from(direct), page.length);
    assertThat(decompressed.toByteArray()).isEqualTo(page);
  }

  @ParameterizedTest // larger than its header says: nothing may be written past the page's array
  @CsvSource({"SNAPPY, 1200", "SNAPPY, 500", "ZSTD, 1200", "ZSTD, 500"})
  void aPageOfAnotherSizeThanItsHeaderSaysFails(CompressionCodecName codec, int headerSize) throws IOException {
    byte[] page = page(4, 1000);
    BytesInputDecompressor decompressor = new PageDecompression().getDecompressor(codec);
    assertThatThrownBy(() -> decompressor.decompress(BytesInput.from(compress(codec, page)), headerSize))
        .isInstanceOf(IOException.class);
  }

  private static byte[] page(long seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] compress(CompressionCodecName codec, byte[] bytes) throws IOException {
    return codec == CompressionCodecName.SNAPPY ? Snappy.compress(bytes) : Zstd.compress(bytes);
  }
}
