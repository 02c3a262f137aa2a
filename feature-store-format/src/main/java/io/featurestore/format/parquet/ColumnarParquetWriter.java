package io.featurestore.format.parquet;

import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.format.arrow.TimestampMicros;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes Arrow batches into one Parquet file column by column, straight into parquet-java's column
 * writers (encoders, statistics, pages, compression, footer). This skips parquet-java's
 * record-assembly layer ({@code RecordConsumer}), which costs more than the encoding itself for
 * wide rows and embeddings; see {@code docs/benchmarks.md}.
 *
 * <p>Every leaf column of the file is one feature-set column (lists have exactly one leaf), so
 * levels are simple: scalars have definition level 0 (null) or max; a list is null (0), empty
 * (max - 1) or one entry per element with repetition 0 for the first and 1 for the rest. Rows are
 * written a slice at a time and {@link ColumnWriteStore#endRecord()} is called once per row after
 * the slice, so pages always end on row boundaries. Not thread-safe.
 */
final class ColumnarParquetWriter implements Closeable {
  /** Rows written per column before moving to the next column: long enough to stay in one loop, short enough to stay in cache. */
  private static final int SLICE_ROWS = 1024;

  private final FeatureSetSchema schema;
  private final MessageType parquetSchema;
  private final List<ColumnDescriptor> descriptors;
  private final ParquetProperties properties;
  private final CodecFactory codecs;
  private final BytesInputCompressor compressor;
  private final ParquetFileWriter file;
  private final long rowGroupBytes;
  private final Map<String, String> metadata;
  private ColumnChunkPageWriteStore pages;
  private ColumnWriteStore columns;
  private ColumnWriter[] writers;
  private long rowGroupRows;
  private int rowGroupOrdinal;

  ColumnarParquetWriter(
      OutputFile output, FeatureSetSchema schema, MessageType parquetSchema, ParquetProperties properties,
      CompressionCodecName codec, long rowGroupBytes, Map<String, String> metadata) throws IOException {
    this.schema = schema;
    this.parquetSchema = parquetSchema;
    this.descriptors = parquetSchema.getColumns();
    this.properties = properties;
    this.rowGroupBytes = rowGroupBytes;
    this.metadata = metadata;
    this.codecs = new CodecFactory(new Configuration(false), properties.getPageSizeThreshold());
    try {
      this.compressor = codecs.getCompressor(codec);
      this.file = new ParquetFileWriter(output, parquetSchema, ParquetFileWriter.Mode.OVERWRITE, rowGroupBytes, 0, null, properties);
      file.start();
    } catch (IOException | RuntimeException e) {
      codecs.release();
      throw e;
    }
    startRowGroup();
  }

  private void startRowGroup() {
    pages =
        ColumnChunkPageWriteStore.builder()
            .withCompressorProvider(descriptor -> compressor)
            .withSchema(parquetSchema)
            .withAllocator(properties.getAllocator())
            .withColumnIndexTruncateLength(properties.getColumnIndexTruncateLength())
            .withPageWriteChecksumEnabled(properties.getPageWriteChecksumEnabled())
            .withRowGroupOrdinal(rowGroupOrdinal)
            .build();
    columns = properties.newColumnWriteStore(parquetSchema, pages, pages);
    writers = new ColumnWriter[descriptors.size()];
    for (int i = 0; i < writers.length; i++) {
      writers[i] = columns.getColumnWriter(descriptors.get(i));
    }
  }

  /**
   * Writes rows {@code from} (inclusive) to {@code to} (exclusive) of the batch, whose vectors are in
   * {@link FeatureSetSchema#columns()} order. The batch is not retained.
   */
  void write(VectorSchemaRoot batch, int from, int to) throws IOException {
    List<Column> schemaColumns = schema.columns();
    for (int start = from; start < to; start += SLICE_ROWS) {
      int end = Math.min(to, start + SLICE_ROWS);
      for (int c = 0; c < writers.length; c++) {
        writeColumn(schemaColumns.get(c), batch.getVector(c), writers[c], descriptors.get(c).getMaxDefinitionLevel(), start, end);
      }
      for (int row = start; row < end; row++) {
        columns.endRecord();
      }
      rowGroupRows += end - start;
      if (columns.getBufferedSize() >= rowGroupBytes) {
        flushRowGroup();
        startRowGroup();
      }
    }
  }

  /** Bytes written to the output so far (completed row groups). */
  long flushedBytes() throws IOException {
    return file.getPos();
  }

  /** Writes the last row group and the footer. */
  @Override
  public void close() throws IOException {
    try {
      flushRowGroup();
      file.end(metadata);
    } finally {
      codecs.release();
    }
  }

  private void flushRowGroup() throws IOException {
    try {
      if (rowGroupRows > 0) {
        file.startBlock(rowGroupRows);
        columns.flush();
        pages.flushToFileWriter(file);
        file.endBlock();
        rowGroupOrdinal++;
        rowGroupRows = 0;
      }
    } finally {
      columns.close();
      pages.close();
    }
  }

  private static void writeColumn(Column column, FieldVector vector, ColumnWriter w, int maxDef, int from, int to) {
    FeatureType type = column.type();
    if (type.isScalar()) {
      writeScalars(vector, w, maxDef, from, to);
      return;
    }
    int emptyDef = maxDef - 1; // the list is present but has no elements
    ValueWriter element;
    if (vector instanceof FixedSizeListVector fixed) {
      element = valueWriter(fixed.getDataVector(), w);
      int dimension = fixed.getListSize();
      for (int row = from; row < to; row++) {
        if (fixed.isNull(row)) {
          w.writeNull(0, 0);
        } else {
          writeElements(element, w, row * dimension, row * dimension + dimension, maxDef, emptyDef);
        }
      }
      return;
    }
    ListVector list = (ListVector) vector;
    element = valueWriter(list.getDataVector(), w);
    ArrowBuf offsets = list.getOffsetBuffer();
    for (int row = from; row < to; row++) {
      if (list.isNull(row)) {
        w.writeNull(0, 0);
      } else {
        int start = offsets.getInt((long) row * ListVector.OFFSET_WIDTH);
        int end = offsets.getInt((long) (row + 1) * ListVector.OFFSET_WIDTH);
        writeElements(element, w, start, end, maxDef, emptyDef);
      }
    }
  }

  private static void writeElements(ValueWriter element, ColumnWriter w, int start, int end, int maxDef, int emptyDef) {
    if (start == end) {
      w.writeNull(0, emptyDef);
      return;
    }
    element.write(start, 0, maxDef);
    for (int i = start + 1; i < end; i++) {
      element.write(i, 1, maxDef);
    }
  }

  /** Scalars, one loop per type so the JIT sees one call target per loop. */
  private static void writeScalars(FieldVector vector, ColumnWriter w, int maxDef, int from, int to) {
    boolean noNulls = vector.getNullCount() == 0;
    if (vector instanceof Float4Vector v) {
      for (int row = from; row < to; row++) {
        if (noNulls || !v.isNull(row)) {
          w.write(v.get(row), 0, maxDef);
        } else {
          w.writeNull(0, 0);
        }
      }
    } else if (vector instanceof BigIntVector v) {
      for (int row = from; row < to; row++) {
        if (noNulls || !v.isNull(row)) {
          w.write(v.get(row), 0, maxDef);
        } else {
          w.writeNull(0, 0);
        }
      }
    } else {
      ValueWriter value = valueWriter(vector, w);
      for (int row = from; row < to; row++) {
        if (noNulls || !vector.isNull(row)) {
          value.write(row, 0, maxDef);
        } else {
          w.writeNull(0, 0);
        }
      }
    }
  }

  private interface ValueWriter {
    void write(int index, int repetition, int definition);
  }

  private static ValueWriter valueWriter(FieldVector vector, ColumnWriter w) {
    if (vector instanceof BitVector v) {
      return (i, r, d) -> w.write(v.get(i) != 0, r, d);
    } else if (vector instanceof IntVector v) {
      return (i, r, d) -> w.write(v.get(i), r, d);
    } else if (vector instanceof BigIntVector v) {
      return (i, r, d) -> w.write(v.get(i), r, d);
    } else if (vector instanceof Float4Vector v) {
      return (i, r, d) -> w.write(v.get(i), r, d);
    } else if (vector instanceof Float8Vector v) {
      return (i, r, d) -> w.write(v.get(i), r, d);
    } else if (vector instanceof BaseVariableWidthVector v) {
      // "Reused": parquet-java copies the bytes where it keeps them (dictionary, statistics).
      return (i, r, d) ->
          w.write(Binary.fromReusedByteBuffer(v.getDataBuffer().nioBuffer(v.getStartOffset(i), v.getValueLength(i))), r, d);
    }
    TimestampMicros micros = TimestampMicros.of(vector);
    return (i, r, d) -> w.write(micros.get(i), r, d);
  }
}
