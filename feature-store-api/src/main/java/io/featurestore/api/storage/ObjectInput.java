package io.featurestore.api.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A reader of one stored object. Positional reads serve columnar formats (Parquet footers and column
 * chunks); {@link #newStream(long)} serves sequential formats. Not thread-safe; open one per reader.
 * Closing it releases any connection it holds.
 */
public interface ObjectInput extends Closeable {
  /** The object's length in bytes, known when it was opened. */
  long length();

  /**
   * Reads exactly {@code length} bytes starting at {@code position}.
   *
   * @throws java.io.EOFException if the object ends before {@code position + length}
   */
  void readFully(long position, byte[] buffer, int offset, int length) throws IOException;

  /** Reads the last {@code length} bytes (or the whole object if shorter) into the buffer's start; returns the count read. */
  default int readTail(byte[] buffer, int offset, int length) throws IOException {
    int n = (int) Math.min(length, length());
    readFully(length() - n, buffer, offset, n);
    return n;
  }

  /**
   * A sequential stream of the {@code length} bytes from {@code position}, fetched as one range (on
   * S3, one ranged GET that resumes where it stopped if the connection drops); the caller closes it.
   *
   * @throws java.io.EOFException if the range is not inside the object
   */
  InputStream newStream(long position, long length) throws IOException;

  /** A sequential stream from {@code position} to the end of the object; the caller closes it. */
  default InputStream newStream(long position) throws IOException {
    return newStream(position, Math.max(0, length() - position));
  }
}
