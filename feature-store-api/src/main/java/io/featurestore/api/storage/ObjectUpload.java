package io.featurestore.api.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A streaming write of one object that becomes visible only on {@link #complete()}. On S3 this is a
 * multipart upload whose parts are sent while the caller is still writing; memory is bounded by the
 * store's part size and number of parts in flight, not by the object's size.
 *
 * <p>Exactly one of {@link #complete()} or {@link #abort()} ends the upload; {@link #close()} aborts
 * an upload that was not completed, so try-with-resources never leaves half an object behind. Not
 * thread-safe.
 */
public abstract class ObjectUpload extends OutputStream {
  /** Bytes written so far. */
  public abstract long position();

  /** Makes the object visible under its key and returns its final description. */
  public abstract ObjectInfo complete() throws IOException;

  /** Discards everything written; idempotent and safe after a failure. Never throws. */
  public abstract void abort();

  /** Aborts unless {@link #complete()} succeeded. */
  @Override
  public void close() {
    abort();
  }
}
