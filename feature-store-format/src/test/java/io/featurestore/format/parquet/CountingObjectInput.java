package io.featurestore.format.parquet;

import io.featurestore.api.storage.ObjectInput;
import io.featurestore.storage.ForwardingObjectInput;
import java.io.IOException;

/** An {@link ObjectInput} that counts positional reads and their bytes, and whether it was closed. */
final class CountingObjectInput extends ForwardingObjectInput {
  int reads;
  long bytesRead;
  boolean closed;

  CountingObjectInput(ObjectInput delegate) {
    super(delegate);
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    reads++;
    bytesRead += length;
    super.readFully(position, buffer, offset, length);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    super.close();
  }
}
