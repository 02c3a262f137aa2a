package io.featurestore.format.parquet;

import io.featurestore.api.storage.ObjectInput;
import io.featurestore.storage.ForwardingObjectInput;
import java.io.IOException;
import java.io.InputStream;

/** An {@link ObjectInput} that counts positional reads and their bytes, and whether it was closed. */
final class CountingObjectInput extends ForwardingObjectInput {
  /** Positional reads, those of more than a stream's buffer, ranges streamed. */
  int reads;
  int largeReads;
  int streams;
  long bytesRead;
  boolean closed;

  CountingObjectInput(ObjectInput delegate) {
    super(delegate);
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    reads++;
    largeReads += length > ObjectInputFile.BUFFER_BYTES ? 1 : 0;
    bytesRead += length;
    super.readFully(position, buffer, offset, length);
  }

  @Override
  public InputStream newStream(long position, long length) throws IOException {
    streams++;
    bytesRead += length;
    return super.newStream(position, length);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    super.close();
  }
}
