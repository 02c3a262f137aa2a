package io.featurestore.format.tfrecord;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Writes records in TensorFlow's TFRecord framing: uint64 length, masked CRC32C of the length,
 * the data, masked CRC32C of the data (little-endian). Does not close its stream. Not thread-safe.
 */
public final class TfRecordOutput {
  private final OutputStream out;
  private final CRC32C crc = new CRC32C();
  private final byte[] header = new byte[12];
  private final byte[] footer = new byte[4];
  private long bytesWritten;

  public TfRecordOutput(OutputStream out) {
    this.out = out;
  }

  public void write(byte[] data, int offset, int length) throws IOException {
    putLong(header, 0, length);
    putInt(header, 8, maskedCrc32c(crc, header, 0, 8));
    putInt(footer, 0, maskedCrc32c(crc, data, offset, length));
    out.write(header, 0, 12);
    out.write(data, offset, length);
    out.write(footer, 0, 4);
    bytesWritten += 16L + length;
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
