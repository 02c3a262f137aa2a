package io.featurestore.server.ingest;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.format.parquet.ParquetBatchReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.io.LocalInputFile;

/**
 * A Parquet upload. Parquet puts its footer (the schema and where every column chunk is) at the
 * end, so the body is first spooled to a local file, then read batch by batch; memory stays
 * bounded, disk use is the upload's size while it is processed. The file is deleted on close.
 */
final class ParquetSource implements BatchSource {
  private final Path spooled;
  private final ParquetBatchReader reader;

  /** @param maxRowGroupBytes the largest row group accepted: its column chunks are read into memory at once */
  ParquetSource(
      InputStream body, FeatureSetSchema schema, BufferAllocator allocator, int batchRows, Path spoolDirectory,
      long maxRowGroupBytes) throws IOException {
    this.spooled = Files.createTempFile(spoolDirectory, "upload-", ".parquet");
    ParquetBatchReader opened = null;
    try {
      Files.copy(body, spooled, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      opened = ParquetBatchReader.open(new LocalInputFile(spooled), schema, null, allocator, batchRows);
      if (opened.largestRowGroupBytes() > maxRowGroupBytes) {
        throw FeatureStoreException.invalid(
            "row-group-too-large",
            "the upload has a row group of " + opened.largestRowGroupBytes() + " bytes; the server reads row groups of up to "
                + maxRowGroupBytes + " bytes (its batch memory): write smaller ones (pyarrow: row_group_size)");
      }
      this.reader = opened;
    } catch (IOException | RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      Files.deleteIfExists(spooled);
      throw e;
    }
  }

  @Override
  public VectorSchemaRoot next() {
    return reader.loadNext() ? reader.root() : null;
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      Files.deleteIfExists(spooled);
    }
  }
}
