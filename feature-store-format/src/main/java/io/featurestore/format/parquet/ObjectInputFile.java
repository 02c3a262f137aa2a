package io.featurestore.format.parquet;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.storage.ObjectInput;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over a stored object, read by positional {@link ObjectInput#readFully}
 * calls: no connection is held between reads, and column chunks are fetched in one request each.
 *
 * <p>Ownership: the caller opens the {@link ObjectInput} and closes it once every reader of this
 * file is closed. Streams from {@link #newStream()} do not own it: closing one (as parquet-java does
 * when its reader closes) leaves the object open.
 *
 * <p>Each stream buffers 16 KiB, so the many small reads of a footer cost one
 * request; reads of a buffer's size or more go straight to the object, each by a request of its own
 * or, within a range declared by {@link #expectSequentialReads}, all through one. A buffer filled near the end
 * of the object ends at its end, so the footer length, the magic and usually the whole footer arrive
 * in one read.
 *
 * <p>Not thread-safe, like {@link ObjectInput}: use the file and its streams from one thread at a time.
 */
public final class ObjectInputFile implements InputFile {
  static final int BUFFER_BYTES = 16 * 1024;

  private final String name;
  private final ObjectInput input;
  /** Ends of the ranges read through in order, by their starts. */
  private Map<Long, Long> sequentialRanges = Map.of();

  /**
   * @param name what error messages call the file, for example its object key
   * @param input the object; not closed by this file or its streams
   */
  public ObjectInputFile(String name, ObjectInput input) {
    this.name = requireNonNull(name, "name is null");
    this.input = requireNonNull(input, "input is null");
  }

  /**
   * Declares byte ranges that readers read from start to end, in order, in reads of at least the
   * buffer's size: parquet-java reads a row group's adjacent column chunks so, in buffers of up to 8
   * MiB. Each such range is then fetched by one streamed request instead of one per buffer (a
   * request costs CPU, and on S3 a round trip). Other reads are served as before.
   *
   * @param rangesByStart the end (exclusive) of each range, by its start
   */
  public void expectSequentialReads(Map<Long, Long> rangesByStart) {
    this.sequentialRanges = Map.copyOf(rangesByStart);
  }

  @Override
  public long getLength() {
    return input.length();
  }

  @Override
  public SeekableInputStream newStream() {
    return new Stream();
  }

  @Override
  public String toString() {
    return name;
  }

  private final class Stream extends SeekableInputStream {
    private final long length = input.length();
    private final byte[] buffer = new byte[(int) Math.min(BUFFER_BYTES, Math.max(1, length))];
    private long bufferStart;
    private int buffered;
    private long pos;
    /** The open request of a sequential range, its next byte and its end; null when none is open. */
    private InputStream sequential;
    private long sequentialPos;
    private long sequentialEnd;

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long newPos) throws IOException {
      if (newPos < 0 || newPos > length) {
        throw new EOFException("cannot seek to " + newPos + " in '" + name + "' of " + length + " bytes");
      }
      pos = newPos;
    }

    @Override
    public long skip(long n) {
      long skipped = Math.max(0, Math.min(n, length - pos));
      pos += skipped;
      return skipped;
    }

    @Override
    public int read() throws IOException {
      if (pos >= length) {
        return -1;
      }
      if (!isBuffered(pos)) {
        fill();
      }
      return buffer[(int) (pos++ - bufferStart)] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, bytes.length);
      if (len == 0) {
        return 0;
      }
      if (pos >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - pos);
      readFully(bytes, off, n);
      return n;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, bytes.length);
      if (len > length - pos) {
        throw new EOFException(
            "cannot read " + len + " bytes at " + pos + " from '" + name + "' of " + length + " bytes");
      }
      while (len > 0) {
        if (isBuffered(pos)) {
          int n = (int) Math.min(len, bufferStart + buffered - pos);
          System.arraycopy(buffer, (int) (pos - bufferStart), bytes, off, n);
          pos += n;
          off += n;
          len -= n;
        } else if (len >= buffer.length || continuesSequential(len)) {
          readLarge(bytes, off, len);
          return;
        } else {
          fill();
        }
      }
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      if (!buf.hasRemaining()) {
        return 0;
      }
      if (pos >= length) {
        return -1;
      }
      int n = (int) Math.min(buf.remaining(), length - pos);
      readInto(buf, n);
      return n;
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      readInto(buf, buf.remaining());
    }

    private void readInto(ByteBuffer buf, int n) throws IOException {
      if (buf.hasArray()) {
        readFully(buf.array(), buf.arrayOffset() + buf.position(), n);
        buf.position(buf.position() + n);
        return;
      }
      // A direct buffer: copy through a heap chunk.
      byte[] chunk = new byte[Math.min(n, 1 << 20)];
      for (int done = 0; done < n; ) {
        int step = Math.min(chunk.length, n - done);
        readFully(chunk, 0, step);
        buf.put(chunk, 0, step);
        done += step;
      }
    }

    private boolean isBuffered(long position) {
      return position >= bufferStart && position < bufferStart + buffered;
    }

    /** Whether the open sequential range holds the next {@code len} bytes (a run's last short read). */
    private boolean continuesSequential(int len) {
      return sequential != null && sequentialPos == pos && pos + len <= sequentialEnd;
    }

    /** A read of a buffer's size or more: from the open sequential range it continues, else by itself. */
    private void readLarge(byte[] bytes, int off, int len) throws IOException {
      if (sequential == null || sequentialPos != pos) {
        closeSequential();
        Long end = sequentialRanges.get(pos);
        if (end != null && end <= length && pos + len <= end) {
          try {
            sequential = input.newStream(pos, end - pos);
          } catch (IOException e) {
            throw rethrow(e);
          }
          sequentialPos = pos;
          sequentialEnd = end;
        }
      }
      if (continuesSequential(len)) {
        int n;
        try {
          n = sequential.readNBytes(bytes, off, len);
        } catch (IOException e) {
          closeSequential(); // it is out of step with pos now
          throw rethrow(e);
        } catch (RuntimeException e) {
          closeSequential();
          throw e;
        }
        if (n < len) {
          closeSequential();
          throw new EOFException("'" + name + "' ended at " + (pos + n) + ", before " + (pos + len));
        }
        sequentialPos += len;
        if (sequentialPos == sequentialEnd) {
          closeSequential(); // read to its end, so its connection can serve the next request
        }
      } else {
        read(pos, bytes, off, len);
      }
      pos += len;
    }

    private void closeSequential() {
      if (sequential != null) {
        InputStream open = sequential;
        sequential = null;
        try {
          open.close(); // before its end, a store's stream drops the request instead of draining it
        } catch (IOException e) {
          // nothing more is read from it
        }
      }
    }

    private void read(long position, byte[] bytes, int off, int len) throws IOException {
      try {
        input.readFully(position, bytes, off, len);
      } catch (IOException e) {
        throw rethrow(e);
      }
    }

    /**
     * Rethrows a failure of the object store. An object shorter than its length is a malformed file
     * (an EOF, as it is); any other failure, after the store's own retries, means the store is
     * unavailable, which readers must not report as a malformed file.
     */
    private IOException rethrow(IOException e) throws IOException {
      if (e instanceof EOFException) {
        throw e;
      }
      throw new FeatureStoreException(
          ErrorKind.UNAVAILABLE, "store-unavailable", "could not read '" + name + "' from the object store: " + e, e);
    }

    /** Buffers the window holding {@code pos}, moved back if needed to end at the object's end. */
    private void fill() throws IOException {
      long start = Math.max(0, Math.min(pos, length - buffer.length));
      int n = (int) Math.min(buffer.length, length - start);
      buffered = 0; // a failed read must not leave stale bytes marked valid
      read(start, buffer, 0, n);
      bufferStart = start;
      buffered = n;
    }

    @Override
    public void close() throws IOException {
      // The ObjectInput belongs to whoever opened it; a request of a sequential range is this stream's.
      closeSequential();
    }
  }
}
