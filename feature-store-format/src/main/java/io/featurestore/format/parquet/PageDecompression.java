package io.featurestore.format.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.WeakHashMap;
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
 * <p>A page whose values have been copied out can be {@linkplain #recycle returned}: the next page
 * is decompressed into its array. Fresh arrays of a page each (about 1 MiB) cost more than the
 * decompression on a streaming client: the JVM zeroes them and the kernel faults their pages in.
 *
 * <p>One instance per file reader, used by one thread; the file reader releases it when it closes.
 */
final class PageDecompression implements CompressionCodecFactory {
  private final CodecFactory others = new CodecFactory(new Configuration(false), 0);
  /**
   * Pages decompressed here and not returned yet, with their arrays. Weak keys (pages compare by
   * identity): pages nobody returns are collected as usual.
   */
  private final Map<BytesInput, byte[]> lent = new WeakHashMap<>();
  private byte[] spare;

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return switch (codec) {
      case SNAPPY, ZSTD -> new ArrayDecompressor(codec, others.getDecompressor(codec));
      default -> others.getDecompressor(codec);
    };
  }

  /**
   * Takes back a page this factory decompressed once nothing reads it any more; its array holds the
   * next page. Any other page (an uncompressed one is a slice of the file reader's buffers) is left alone.
   */
  void recycle(BytesInput page) {
    byte[] array = lent.remove(page);
    if (array != null && (spare == null || spare.length < array.length)) {
      spare = array;
    }
  }

  private BytesInput decompressed(byte[] array, int size) {
    BytesInput page = BytesInput.from(array, 0, size);
    lent.put(page, array);
    return page;
  }

  private byte[] array(int size) {
    byte[] array = spare != null && spare.length >= size ? spare : new byte[size];
    if (array == spare) {
      spare = null;
    }
    return array;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return others.getCompressor(codec);
  }

  @Override
  public void release() {
    others.release();
  }

  /** SNAPPY or ZSTD from array to array; pages in direct memory go to parquet-java's decompressor. */
  private final class ArrayDecompressor implements BytesInputDecompressor {
    private final CompressionCodecName codec;
    private final BytesInputDecompressor buffers;

    ArrayDecompressor(CompressionCodecName codec, BytesInputDecompressor buffers) {
      this.codec = codec;
      this.buffers = buffers;
    }

    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
      ByteBuffer in = bytes.toByteBuffer(); // a slice of the chunk's read buffer when the page lies in one
      if (!in.hasArray()) {
        return buffers.decompress(bytes, decompressedSize); // direct memory: parquet-java's path, without a copy here
      }
      byte[] out = array(decompressedSize);
      int offset = in.arrayOffset() + in.position();
      long n;
      if (codec == CompressionCodecName.SNAPPY) {
        // snappy-java writes as many bytes as the data says, whatever the array's length: check first.
        int length = Snappy.uncompressedLength(in.array(), offset, in.remaining());
        if (length != decompressedSize) {
          throw new IOException("a SNAPPY page holds " + length + " bytes, its header says " + decompressedSize);
        }
        n = Snappy.uncompress(in.array(), offset, in.remaining(), out, 0);
      } else {
        try {
          n = Zstd.decompressByteArray(out, 0, decompressedSize, in.array(), offset, in.remaining());
        } catch (ZstdException e) {
          throw new IOException("cannot decompress a ZSTD page of " + decompressedSize + " bytes: " + e.getMessage(), e);
        }
        if (Zstd.isError(n)) {
          throw new IOException("cannot decompress a ZSTD page: " + Zstd.getErrorName(n));
        }
      }
      if (n != decompressedSize) {
        throw new IOException("a " + codec + " page decompressed to " + n + " bytes, its header says " + decompressedSize);
      }
      return decompressed(out, decompressedSize);
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
