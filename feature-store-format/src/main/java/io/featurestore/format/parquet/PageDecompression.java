package io.featurestore.format.parquet;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Decompresses SNAPPY and ZSTD pages in one call from the page's bytes into a heap array; other
 * codecs go through parquet-java's own factory. parquet-java decompresses through Hadoop-style
 * streams: each page is copied into a direct buffer, decompressed into another, then copied into a
 * new array, and ZSTD pages once more. For a reader whose pages are mostly float values that barely
 * compress, those copies cost more than the decoding ({@code docs/benchmarks.md}).
 *
 * <p>One instance per file reader, which releases it when it closes.
 */
final class PageDecompression implements CompressionCodecFactory {
  private final CodecFactory others = new CodecFactory(new Configuration(false), 0);

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return switch (codec) {
      case SNAPPY, ZSTD -> new ArrayDecompressor(codec, others.getDecompressor(codec));
      default -> others.getDecompressor(codec);
    };
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return others.getCompressor(codec);
  }

  @Override
  public void release() {
    others.release();
  }

  /** SNAPPY or ZSTD from array to array; pages in direct buffers go to parquet-java's decompressor. */
  private record ArrayDecompressor(CompressionCodecName codec, BytesInputDecompressor buffers)
      implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
      ByteBuffer in = bytes.toByteBuffer(); // a slice of the chunk's read buffer when the page lies in one
      if (!in.hasArray()) {
        in = ByteBuffer.wrap(bytes.toByteArray());
      }
      byte[] out = new byte[decompressedSize];
      int offset = in.arrayOffset() + in.position();
      long n;
      if (codec == CompressionCodecName.SNAPPY) {
        n = Snappy.uncompress(in.array(), offset, in.remaining(), out, 0);
      } else {
        n = Zstd.decompressByteArray(out, 0, out.length, in.array(), offset, in.remaining());
        if (Zstd.isError(n)) {
          throw new IOException("cannot decompress a ZSTD page: " + Zstd.getErrorName(n));
        }
      }
      if (n != decompressedSize) {
        throw new IOException("a " + codec + " page decompressed to " + n + " bytes, its header says " + decompressedSize);
      }
      return BytesInput.from(out);
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
        throws IOException {
      buffers.decompress(input, compressedSize, output, decompressedSize);
    }

    @Override
    public void release() {
      buffers.release();
    }
  }
}
