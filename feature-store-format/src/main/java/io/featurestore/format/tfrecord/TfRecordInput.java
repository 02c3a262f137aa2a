package io.featurestore.format.tfrecord;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads TFRecord-framed records and checks both CRCs of each. Errors are {@code corrupt-record}
 * naming the source and the record's byte offset. Does not close its stream. Not thread-safe.
 */
public final class TfRecordInput {
  private static final int MAX_LENGTH = Integer.MAX_VALUE - 16;

  private final InputStream in;
  private final String source;
  private final CRC32C crc = new CRC32C();
  private final byte[] header = new byte[12];
  private final byte[] footer = new byte[4];
  private byte[] buffer = new byte[4096];
  private int length;
  private long offset;
  private long next;

  /**
   * @param source what the records are, for error messages (a shard's key)
   * @param startOffset byte offset of the stream's first byte in the source
   */
  public TfRecordInput(InputStream in, String source, long startOffset) {
    this.in = in;
    this.source = source;
    this.next = startOffset;
  }

  /** Reads the next record; false at a clean end of the stream (between records). */
  public boolean next() throws IOException {
    offset = next;
    int n = in.readNBytes(header, 0, 12);
    if (n == 0) {
      return false;
    }
    if (n < 12) {
      throw corrupt("truncated header (" + n + " of 12 bytes)");
    }
    if (TfRecordOutput.maskedCrc32c(crc, header, 0, 8) != getInt(header, 8)) {
      throw corrupt("length checksum mismatch");
    }
    long declared = getLong(header);
    if (declared < 0 || declared > MAX_LENGTH) {
      throw corrupt("impossible length " + Long.toUnsignedString(declared));
    }
    length = (int) declared;
    if (buffer.length < length) {
      buffer = Arrays.copyOf(buffer, Math.max(length, (int) Math.min(MAX_LENGTH, buffer.length * 2L)));
    }
    if (in.readNBytes(buffer, 0, length) < length || in.readNBytes(footer, 0, 4) < 4) {
      throw corrupt("truncated record of " + length + " bytes");
    }
    if (TfRecordOutput.maskedCrc32c(crc, buffer, 0, length) != getInt(footer, 0)) {
      throw corrupt("data checksum mismatch");
    }
    next = offset + 16L + length;
    return true;
  }

  /** The current record's bytes are {@code buffer()[0 .. length())}; valid until the next {@link #next()}. */
  public byte[] buffer() {
    return buffer;
  }

  public int length() {
    return length;
  }

  /** Byte offset of the current record in the source. */
  public long recordOffset() {
    return offset;
  }

  private FeatureStoreException corrupt(String problem) {
    return new FeatureStoreException(
        ErrorKind.INVALID_ARGUMENT, "corrupt-record", source + ": record at byte offset " + offset + ": " + problem);
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }

  private static long getLong(byte[] b) {
    return (getInt(b, 0) & 0xffffffffL) | (long) getInt(b, 4) << 32;
  }
}
