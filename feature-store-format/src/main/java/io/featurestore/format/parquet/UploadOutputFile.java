package io.featurestore.format.parquet;

import io.featurestore.format.write.ShardOutput;
import java.io.IOException;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/** A Parquet output file over a shard's output; closing it leaves the upload to the shard writer. */
final class UploadOutputFile implements OutputFile {
  private final ShardOutput output;

  UploadOutputFile(ShardOutput output) {
    this.output = output;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) {
    return new PositionOutputStream() {
      @Override
      public long getPos() {
        return output.position();
      }

      @Override
      public void write(int b) throws IOException {
        output.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        output.write(b, off, len);
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
