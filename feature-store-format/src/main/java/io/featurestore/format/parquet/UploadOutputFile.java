package io.featurestore.format.parquet;

import io.featurestore.api.storage.ObjectUpload;
import java.io.IOException;
import java.util.zip.CRC32C;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet output file that streams into an {@link ObjectUpload} and computes the CRC32C of every
 * byte on the way. Closing the stream does not complete the upload: the shard writer completes or
 * aborts it explicitly once the footer is written.
 */
final class UploadOutputFile implements OutputFile {
  private final ObjectUpload upload;
  private final CRC32C crc = new CRC32C();

  UploadOutputFile(ObjectUpload upload) {
    this.upload = upload;
  }

  /** CRC32C of everything written, as 8 lower-case hex digits. */
  String crc32c() {
    return String.format("%08x", crc.getValue());
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) {
    return new PositionOutputStream() {
      @Override
      public long getPos() {
        return upload.position();
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
        // completed or aborted by the owner
      }
    };
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) {
    return create(blockSizeHint);
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }
}
