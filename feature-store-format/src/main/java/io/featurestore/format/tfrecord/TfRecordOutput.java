package io.featurestore.format.tfrecord;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Writes records in TensorFlow's TFRecord framing: uint64 length, masked CRC32C of the length,
 * the data, masked CRC32C of the data (little-endian). Frames are gathered in a buffer and handed
 * to the stream in large writes (a deflater or a checksum is slow on many small ones); {@link
 * #flush()} passes on what is buffered. Does not close its stream. Not thread-safe.
 */
public final class TfRecordOutput {
  private static final int BUFFER = 64 * 1024;

  private final OutputStream out;
  private final CRC32C crc = new CRC32C();
  private final byte[] buffer = new byte[BUFFER];
  private int buffered;
  private long bytesWritten;

  public TfRecordOutput(OutputStream out) {
    this.out = out;
  }

  public void write(byte[] data, int offset, int length) throws IOException {
    if (buffered + 16 + length > BUFFER) {
      flush();
    }
    putLong(buffer, buffered, length);
    putInt(buffer, buffered + 8, maskedCrc32c(crc, buffer, buffered, 8));
    int dataCrc = maskedCrc32c(crc, data, offset, length);
    buffered += 12;
    if (length > BUFFER - 16) {
      out.write(buffer, 0, buffered);
      out.write(data, offset, length);
      buffered = 0;
    } else {
      System.arraycopy(data, offset, buffer, buffered, length);
      buffered += length;
    }
    putInt(buffer, buffered, dataCrc);
    buffered += 4;
    bytesWritten += 16L + length;
  }

  /** Writes the buffered frames to the stream (not flushing the stream itself). */
  public void flush() throws IOException {
    if (buffered > 0) {
      out.write(buffer, 0, buffered);
      buffered = 0;
    }
  }

  /** Framed bytes written so far. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** TensorFlow's masked CRC32C: rotated and offset, so that CRCs of data holding CRCs stay strong. */
  static int maskedCrc32c(CRC32C crc, byte[] data, int offset, int length) {
    crc.reset();
    crc.update(data, offset, length);
    return mask((int) crc.getValue());
  }

  static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  private static void putInt(byte[] b, int at, int v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
