package io.featurestore.format.write;

import io.featurestore.api.storage.ObjectUpload;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * The byte stream of one shard: writes into its {@link ObjectUpload} and computes the CRC32C of
 * every byte on the way, for the manifest. Closing it does nothing: the shard writer completes or
 * aborts the upload once the format has written its last byte.
 */
public final class ShardOutput extends OutputStream {
  private final ObjectUpload upload;
  private final CRC32C crc = new CRC32C();

  ShardOutput(ObjectUpload upload) {
    this.upload = upload;
  }

  /** Bytes written so far. */
  public long position() {
    return upload.position();
  }

  /** CRC32C of everything written, as 8 lower-case hex digits. */
  public String crc32c() {
    return String.format("%08x", crc.getValue());
  }

  @Override
  public void write(int b) throws IOException {
    crc.update(b);
    upload.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    crc.update(b, off, len);
    upload.write(b, off, len);
  }

  @Override
  public void close() {
    // completed or aborted by the shard writer
  }
}
