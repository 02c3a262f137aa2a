package io.featurestore.format.parquet;

import io.featurestore.api.storage.ObjectInput;
import java.io.IOException;
import java.io.InputStream;

/** An {@link ObjectInput} that counts positional reads and their bytes, and whether it was closed. */
final class CountingObjectInput implements ObjectInput {
  private final ObjectInput delegate;
  int reads;
  long bytesRead;
  boolean closed;

  CountingObjectInput(ObjectInput delegate) {
    this.delegate = delegate;
  }

  @Override
  public long length() {
    return delegate.length();
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    reads++;
    bytesRead += length;
    delegate.readFully(position, buffer, offset, length);
  }

  @Override
  public InputStream newStream(long position, long length) throws IOException {
    return delegate.newStream(position, length);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    delegate.close();
  }
}
