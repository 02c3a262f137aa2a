package io.featurestore.storage;

import io.featurestore.api.storage.ObjectInput;
import java.io.IOException;
import java.io.InputStream;

/** An {@link ObjectInput} passing every call to another: the base of inputs that observe or fail reads. */
public class ForwardingObjectInput implements ObjectInput {
  private final ObjectInput input;

  public ForwardingObjectInput(ObjectInput input) {
    this.input = input;
  }

  @Override
  public long length() {
    return input.length();
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    input.readFully(position, buffer, offset, length);
  }

  @Override
  public InputStream newStream(long position, long length) throws IOException {
    return input.newStream(position, length);
  }

  @Override
  public void close() throws IOException {
    input.close();
  }
}
