package io.featurestore.server.ingest;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The upload stream. A failure to read it (the client disconnected or sent fewer bytes than it
 * announced) is the client's problem, not the server's: it becomes a 400 {@code truncated-body}
 * naming how far the upload got, and the ingest is abandoned with nothing committed.
 */
final class RequestBody extends FilterInputStream {
  private long position;

  RequestBody(InputStream in) {
    super(in);
  }

  long position() {
    return position;
  }

  @Override
  public int read() throws IOException {
    try {
      int b = super.read();
      if (b >= 0) {
        position++;
      }
      return b;
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    try {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        position += n;
      }
      return n;
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      long skipped = super.skip(n);
      position += skipped;
      return skipped;
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  private FeatureStoreException truncated(IOException e) {
    return new FeatureStoreException(
        ErrorKind.INVALID_ARGUMENT, "truncated-body",
        "the upload ended early after " + position + " bytes (" + e.getMessage() + "); nothing was committed", e);
  }
}
