package io.featurestore.format.parquet;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.format.arrow.ArrowSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.VersionParser;
import org.apache.parquet.VersionParser.ParsedVersion;
import org.apache.parquet.VersionParser.VersionParseException;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.EnumLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.ListLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;

/**
 * Reads a Parquet file into Arrow batches shaped like {@link ArrowSchemas#toArrow(FeatureSetSchema)},
 * restricted to a projection. Values go from parquet-java's column readers straight into the
 * vectors, one column at a time, without parquet-java's record assembly; only the projected column
 * chunks are fetched.
 *
 * <p>File columns are matched to schema columns by exact name. Accepted file types, as written by
 * pyarrow, Spark, DuckDB and {@link io.featurestore.format.write.ShardedWriter}:
 *
 * <ul>
 *   <li>{@code bool}: BOOLEAN; {@code float32}: FLOAT; {@code float64}: DOUBLE;
 *   <li>{@code int32}: INT32, plain or annotated INT(8|16|32, signed) or INT(8|16, unsigned);
 *       {@code int64}: INT64, plain or annotated INT(64, signed);
 *   <li>{@code string}: BINARY annotated STRING (UTF8) or ENUM; {@code bytes}: BINARY or
 *       FIXED_LEN_BYTE_ARRAY without annotation;
 *   <li>{@code timestamp}: INT64 TIMESTAMP(MILLIS|MICROS|NANOS), converted to microseconds (sub-micro
 *       digits truncated toward negative infinity), and INT96 (Spark's legacy encoding). Timestamps
 *       not adjusted to UTC are taken as UTC wall-clock values;
 *   <li>{@code T[]} and {@code T[d]}: a LIST-annotated group in the standard 3-level form with any
 *       names for the repeated group and the element ({@code list.element}, {@code list.item},
 *       {@code bag.array}), the legacy 2-level form (a LIST group around a repeated primitive), or an
 *       unannotated repeated primitive (a list that is never null).
 * </ul>
 *
 * <p>Ownership: the caller owns the {@link InputFile} (and any object behind it) and the allocator,
 * and closes them after this reader. The reader owns one {@link VectorSchemaRoot}, allocated from
 * the caller's allocator and refilled by every {@link #loadNext()}; callers must not close it.
 *
 * <p>Errors, all {@link FeatureStoreException} of kind {@code INVALID_ARGUMENT} unless noted:
 *
 * <ul>
 *   <li>{@code malformed-parquet} (cause chained): the input is not Parquet, is truncated, or a page
 *       cannot be decoded (page checksums are verified where the writer stored them). Exceptions the
 *       storage layer already classified (a {@link FeatureStoreException}, for example an
 *       unavailable store) pass through unchanged, as does Arrow's {@link OutOfMemoryException} when
 *       the allocator's limit is reached; any other I/O error of the input counts as malformed.
 *   <li>{@code schema-mismatch}, from {@link #open}: a projected column is missing from the file or
 *       stored in a type not accepted above for its schema type, or (when reading all columns) the
 *       file has a column the schema lacks. File columns outside a projection are not checked.
 *   <li>{@code invalid-value}, from {@link #loadNext()}: a null element in a list or vector, or a
 *       vector row whose length is not the dimension; the message names the row, counted from 0
 *       over the whole file, and the column.
 *   <li>{@code unknown-column} and {@code duplicate-column}, from {@link #open}: a bad projection.
 * </ul>
 *
 * <p>A null value in the file sets the vector's null bit, also in columns the schema declares
 * non-null: checking that is the caller's job. After {@link #loadNext()} throws, the reader only
 * accepts {@link #close()}. Not thread-safe.
 */
public final class ParquetBatchReader implements AutoCloseable {
  /** The values are taken from the column reader's getters; this converter is never called. */
  private static final PrimitiveConverter NO_CONVERTER = new PrimitiveConverter() {};
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  /** The Julian day number of 1970-01-01: INT96 timestamps count Julian days. */
  private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;

  private final InputFile file;
  private final ParquetFileReader reader;
  private final PageDecompression decompression;
  private final ParsedVersion writerVersion;
  private final VectorSchemaRoot root;
  private final List<ColumnLoader> loaders;
  private final int batchRows;
  private PageReadStore rowGroup;
  private long rowGroupRemaining;
  /** Indexes of the row groups to read, ascending, and the position in that list. */
  private final int[] rowGroups;
  private int nextRowGroupIndex;
  /** Index in the file of the next row to read. */
  private long nextRow;
  private boolean failed;
  private boolean closed;
  /** Whether a batch was loaded: the next one resets the vectors first (fresh ones need no reset). */
  private boolean loaded;

  private ParquetBatchReader(
      InputFile file, ParquetFileReader reader, PageDecompression decompression, List<FileColumn> columns,
      VectorSchemaRoot root, int batchRows, int[] rowGroups) {
    this.file = file;
    this.rowGroups = rowGroups;
    this.reader = reader;
    this.decompression = decompression;
    this.writerVersion = writerVersion(reader.getFileMetaData().getCreatedBy());
    this.root = root;
    this.batchRows = batchRows;
    this.loaders = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      loaders.add(new ColumnLoader(columns.get(i), root.getVector(i)));
    }
  }

  /**
   * Reads the footer and matches the file's columns to the schema; no batch is read yet.
   *
   * @param file the Parquet file, for example an {@link ObjectInputFile}; not closed by the reader
   * @param schema the feature set's schema
   * @param projection names of the columns to read, in the order the batches hold them; null or
   *     empty for every column in {@link FeatureSetSchema#columns()} order
   * @param allocator allocates the batch vectors
   * @param batchRows rows per batch; every batch but the file's last has exactly this many
   * @throws FeatureStoreException {@code malformed-parquet}, {@code schema-mismatch},
   *     {@code unknown-column} or {@code duplicate-column}; see the class javadoc
   */
  public static ParquetBatchReader open(
      InputFile file, FeatureSetSchema schema, List<String> projection, BufferAllocator allocator, int batchRows) {
    return open(file, schema, projection, allocator, batchRows, null);
  }

  /**
   * Like {@link #open(InputFile, FeatureSetSchema, List, BufferAllocator, int)}, reading only some row
   * groups (the streaming client reads a shard row group by row group).
   *
   * @param rowGroups indexes of the row groups to read, ascending; null for all
   */
  public static ParquetBatchReader open(
      InputFile file, FeatureSetSchema schema, List<String> projection, BufferAllocator allocator, int batchRows,
      int[] rowGroups) {
    return open(file, null, null, schema, projection, allocator, batchRows, rowGroups);
  }

  /**
   * Like {@link #open(InputFile, FeatureSetSchema, List, BufferAllocator, int, int[])}, with the
   * file's footer already read (a reader of many row groups of one shard reads it once).
   *
   * @param footer the file's footer from {@link ShardFooter#read}, or null to read it
   * @param readBuffers where the row groups' column chunks are read into, shared by the readers of a
   *     stream; null for buffers of this reader's own
   */
  public static ParquetBatchReader open(
      InputFile file, ShardFooter footer, ReadBuffers readBuffers, FeatureSetSchema schema, List<String> projection,
      BufferAllocator allocator, int batchRows, int[] rowGroups) {
    requireNonNull(file, "file is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(allocator, "allocator is null");
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be positive, got " + batchRows);
    }
    boolean allColumns = projection == null || projection.isEmpty();
    List<Column> columns = allColumns ? schema.columns() : project(schema, projection);
    PageDecompression decompression = new PageDecompression();
    ParquetFileReader reader = openFile(file, footer, decompression, readBuffers);
    VectorSchemaRoot root = null;
    try {
      List<FileColumn> matched = match(file, reader.getFileMetaData().getSchema(), schema, columns, allColumns);
      reader.setRequestedSchema(matched.stream().map(FileColumn::leaf).toList());
      root = VectorSchemaRoot.create(new Schema(columns.stream().map(ArrowSchemas::toArrow).toList()), allocator);
      for (FieldVector vector : root.getFieldVectors()) {
        allocate(vector, batchRows, allocator);
      }
      int blocks = reader.getRowGroups().size();
      int[] selected = rowGroups == null ? java.util.stream.IntStream.range(0, blocks).toArray() : rowGroups.clone();
      for (int i = 0; i < selected.length; i++) {
        if (selected[i] < 0 || selected[i] >= blocks || (i > 0 && selected[i] <= selected[i - 1])) {
          throw new IllegalArgumentException(
              "rowGroups must be ascending indexes below " + blocks + ": " + java.util.Arrays.toString(rowGroups));
        }
      }
      if (file instanceof ObjectInputFile objectFile) {
        objectFile.expectSequentialReads(chunkRuns(reader.getRowGroups(), matched, selected));
      }
      return new ParquetBatchReader(file, reader, decompression, matched, root, batchRows, selected);
    } catch (RuntimeException e) {
      if (root != null) {
        root.close();
      }
      try {
        reader.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * The byte ranges parquet-java reads through when it reads these row groups: the runs of adjacent
   * column chunks of the columns read, as it merges them (by start: end).
   */
  private static Map<Long, Long> chunkRuns(List<BlockMetaData> rowGroups, List<FileColumn> columns, int[] selected) {
    Set<ColumnPath> read = paths(columns);
    Map<Long, Long> runs = new HashMap<>();
    for (int index : selected) {
      long start = -1;
      long end = -1;
      for (ColumnChunkMetaData chunk : rowGroups.get(index).getColumns()) {
        if (!read.contains(chunk.getPath())) {
          continue;
        }
        if (chunk.getStartingPos() != end) {
          if (start >= 0) {
            runs.put(start, end);
          }
          start = chunk.getStartingPos();
        }
        end = chunk.getStartingPos() + chunk.getTotalSize();
      }
      if (start >= 0) {
        runs.put(start, end);
      }
    }
    return runs;
  }

  private static Set<ColumnPath> paths(List<FileColumn> columns) {
    Set<ColumnPath> paths = new HashSet<>();
    for (FileColumn column : columns) {
      paths.add(ColumnPath.get(column.leaf().getPath()));
    }
    return paths;
  }

  /**
   * Room for {@code rows} rows in a new vector. Fixed-width values are left unzeroed, unlike
   * Arrow's {@code allocateNew}: every slot of a batch is written before it is read (a null's slot
   * is undefined in Arrow), and zeroing a streamed unit's fresh buffers (~100 MiB per row group) was
   * a quarter of the client's CPU ({@code docs/benchmarks.md}). Validity bitmaps are zeroed.
   */
  private static void allocate(FieldVector vector, int rows, BufferAllocator allocator) {
    if (vector instanceof FixedSizeListVector list && unzeroable(list.getDataVector())) {
      try (ArrowBuf validity = zeroed(allocator, BitVectorHelper.getValidityBufferSizeFromCount(rows))) {
        list.loadFieldBuffers(new ArrowFieldNode(0, 0), List.of(validity));
      }
      allocateUnzeroed((BaseFixedWidthVector) list.getDataVector(), Math.multiplyExact(rows, list.getListSize()), allocator);
    } else if (unzeroable(vector)) {
      allocateUnzeroed((BaseFixedWidthVector) vector, rows, allocator);
    } else {
      vector.setInitialCapacity(rows);
      vector.allocateNew();
    }
  }

  private static boolean unzeroable(FieldVector vector) {
    return vector instanceof BaseFixedWidthVector && !(vector instanceof BitVector);
  }

  private static void allocateUnzeroed(BaseFixedWidthVector vector, int values, BufferAllocator allocator) {
    try (ArrowBuf validity = zeroed(allocator, BitVectorHelper.getValidityBufferSizeFromCount(values));
        ArrowBuf data = allocator.buffer((long) values * vector.getTypeWidth())) {
      vector.loadFieldBuffers(new ArrowFieldNode(0, 0), List.of(validity, data)); // the vector takes its own references
    }
  }

  private static ArrowBuf zeroed(BufferAllocator allocator, long bytes) {
    ArrowBuf buffer = allocator.buffer(bytes);
    buffer.setZero(0, buffer.capacity());
    return buffer;
  }

  /** Rows in the file. */
  public long rowCount() {
    return reader.getRecordCount();
  }

  /** Row groups in the file. */
  public int rowGroupCount() {
    return reader.getRowGroups().size();
  }

  /**
   * Compressed bytes of the largest row group's chunks of the columns this reader reads: a row
   * group's chunks are read into memory at once.
   */
  public long largestRowGroupBytes() {
    Set<ColumnPath> read = paths(loaders.stream().map(loader -> loader.column).toList());
    long largest = 0;
    for (BlockMetaData rowGroup : reader.getRowGroups()) {
      long bytes = 0;
      for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
        if (read.contains(chunk.getPath())) {
          bytes += chunk.getTotalSize();
        }
      }
      largest = Math.max(largest, bytes);
    }
    return largest;
  }

  /**
   * The current batch: the rows of the last {@link #loadNext()}, no rows before the first. Owned by
   * this reader and refilled in place by the next call, so its vectors are valid until then. To keep
   * a batch longer, transfer its vectors out ({@code getTransferPair(allocator).transfer()}).
   */
  public VectorSchemaRoot root() {
    return root;
  }

  /**
   * Reads the next batch into {@link #root()}.
   *
   * @return false, leaving the root empty, once every row has been read
   * @throws FeatureStoreException {@code malformed-parquet} or {@code invalid-value}; see the class javadoc
   */
  public boolean loadNext() {
    if (closed || failed) {
      throw new IllegalStateException("the reader of '" + file + "' is " + (closed ? "closed" : "failed"));
    }
    if (loaded) {
      for (FieldVector vector : root.getFieldVectors()) {
        vector.reset();
      }
    }
    loaded = true;
    int rows = 0;
    try {
      while (rows < batchRows && (rowGroupRemaining > 0 || nextRowGroup())) {
        int n = (int) Math.min(batchRows - rows, rowGroupRemaining);
        for (ColumnLoader loader : loaders) {
          loader.read(rows, n, nextRow);
        }
        rows += n;
        nextRow += n;
        rowGroupRemaining -= n;
      }
    } catch (FeatureStoreException | OutOfMemoryException e) {
      failed = true;
      throw e;
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw malformed(file, e);
    }
    root.setRowCount(rows);
    return rows > 0;
  }

  private boolean nextRowGroup() throws IOException {
    closeRowGroup();
    List<BlockMetaData> blocks = reader.getRowGroups();
    while (nextRowGroupIndex < rowGroups.length && blocks.get(rowGroups[nextRowGroupIndex]).getRowCount() == 0) {
      nextRowGroupIndex++;
    }
    if (nextRowGroupIndex == rowGroups.length) {
      return false;
    }
    int index = rowGroups[nextRowGroupIndex++];
    nextRow = 0;
    for (int i = 0; i < index; i++) {
      nextRow += blocks.get(i).getRowCount();
    }
    rowGroup = reader.readRowGroup(index);
    rowGroupRemaining = rowGroup.getRowCount();
    for (ColumnLoader loader : loaders) {
      loader.startRowGroup(rowGroup, writerVersion, decompression);
    }
    return true;
  }

  private void closeRowGroup() {
    if (rowGroup != null) {
      rowGroup.close(); // releases its decompressed pages
      rowGroup = null;
    }
  }

  /** Releases the batch vectors and the file reader; the input file and allocator stay open. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      closeRowGroup();
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the reader of '" + file + "'", e);
    } finally {
      root.close();
    }
  }

  static ParquetFileReader openFile(
      InputFile file, ShardFooter footer, PageDecompression decompression, ReadBuffers readBuffers) {
    // An empty Hadoop configuration: the defaults on the classpath are not needed to decompress.
    ParquetReadOptions.Builder builder =
        HadoopReadOptions.builder(new Configuration(false))
            .usePageChecksumVerification(true)
            .withCodecFactory(decompression);
    if (readBuffers != null) {
      builder.withAllocator(readBuffers);
    }
    ParquetReadOptions options = builder.build();
    try {
      return footer == null
          ? ParquetFileReader.open(file, options)
          : new ParquetFileReader(file, footer.metadata(), options, file.newStream());
    } catch (FeatureStoreException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw malformed(file, e);
    }
  }

  private static ParsedVersion writerVersion(String createdBy) {
    try {
      return VersionParser.parse(createdBy);
    } catch (VersionParseException | RuntimeException e) {
      return null; // an unknown writer: only workarounds for old parquet-mr bugs depend on it
    }
  }

  private static List<Column> project(FeatureSetSchema schema, List<String> projection) {
    List<Column> all = schema.columns();
    List<Column> result = new ArrayList<>(projection.size());
    for (String name : projection) {
      Column column = all.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
          FeatureStoreException.invalid(
              "unknown-column", "column '" + name + "' is not in the feature set; its columns are " + names(all)));
      if (result.contains(column)) {
        throw FeatureStoreException.invalid("duplicate-column", "column '" + name + "' is requested twice");
      }
      result.add(column);
    }
    return result;
  }

  private static List<FileColumn> match(
      InputFile file, MessageType fileSchema, FeatureSetSchema schema, List<Column> columns, boolean allColumns) {
    if (allColumns) {
      List<String> names = columns.stream().map(Column::name).toList();
      for (Type field : fileSchema.getFields()) {
        if (!names.contains(field.getName())) {
          throw mismatch("'" + file + "' has column '" + field.getName() + "' (" + describe(field)
              + ") that the feature set does not have; its columns are " + names(schema.columns()));
        }
      }
    }
    List<FileColumn> result = new ArrayList<>(columns.size());
    for (Column column : columns) {
      if (!fileSchema.containsField(column.name())) {
        throw mismatch("column '" + column.name() + "' (" + column.type() + ") is missing from '" + file
            + "', which has columns " + fileSchema.getFields().stream().map(Type::getName).collect(Collectors.joining(", ")));
      }
      Type field = fileSchema.getType(column.name());
      String[] path = leafPath(column, field);
      if (path == null || !accepts(column.type().element(), fileSchema.getType(path).asPrimitiveType())) {
        throw mismatch("column '" + column.name() + "' is " + column.type() + " in the feature set but "
            + describe(field) + " in '" + file + "'");
      }
      int listDef = field.isRepetition(Repetition.OPTIONAL) ? 1 : 0;
      result.add(new FileColumn(column, fileSchema.getColumnDescription(path), listDef));
    }
    return result;
  }

  /** The path of the primitive holding the column's values, or null if the field's structure does not fit its shape. */
  private static String[] leafPath(Column column, Type field) {
    if (column.type().isScalar()) {
      return field.isPrimitive() && !field.isRepetition(Repetition.REPEATED) ? new String[] {field.getName()} : null;
    }
    if (field.isPrimitive()) {
      // Legacy: a repeated field outside a LIST group is a list that is never null.
      return field.isRepetition(Repetition.REPEATED) ? new String[] {field.getName()} : null;
    }
    GroupType list = field.asGroupType();
    if (!(list.getLogicalTypeAnnotation() instanceof ListLogicalTypeAnnotation)
        || list.isRepetition(Repetition.REPEATED) || list.getFieldCount() != 1
        || !list.getType(0).isRepetition(Repetition.REPEATED)) {
      return null;
    }
    Type repeated = list.getType(0);
    if (repeated.isPrimitive()) {
      return new String[] {field.getName(), repeated.getName()}; // legacy 2-level list
    }
    GroupType entry = repeated.asGroupType();
    if (entry.getFieldCount() != 1 || !entry.getType(0).isPrimitive() || entry.getType(0).isRepetition(Repetition.REPEATED)) {
      return null;
    }
    return new String[] {field.getName(), entry.getName(), entry.getType(0).getName()};
  }

  /** Whether values stored as {@code leaf} can be read as {@code type}; see the class javadoc. */
  private static boolean accepts(ScalarType type, PrimitiveType leaf) {
    PrimitiveTypeName physical = leaf.getPrimitiveTypeName();
    LogicalTypeAnnotation logical = leaf.getLogicalTypeAnnotation();
    return switch (type) {
      case BOOL -> physical == PrimitiveTypeName.BOOLEAN && logical == null;
      case INT32 -> physical == PrimitiveTypeName.INT32 && (logical == null
          || logical instanceof IntLogicalTypeAnnotation i && (i.isSigned() || i.getBitWidth() < 32));
      case INT64 -> physical == PrimitiveTypeName.INT64 && (logical == null
          || logical instanceof IntLogicalTypeAnnotation i && i.isSigned());
      case FLOAT32 -> physical == PrimitiveTypeName.FLOAT && logical == null;
      case FLOAT64 -> physical == PrimitiveTypeName.DOUBLE && logical == null;
      case STRING -> physical == PrimitiveTypeName.BINARY
          && (logical instanceof StringLogicalTypeAnnotation || logical instanceof EnumLogicalTypeAnnotation);
      case BYTES -> (physical == PrimitiveTypeName.BINARY || physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
          && logical == null;
      case TIMESTAMP -> physical == PrimitiveTypeName.INT96
          || physical == PrimitiveTypeName.INT64 && logical instanceof TimestampLogicalTypeAnnotation;
    };
  }

  /** A Parquet type on one line, for messages. */
  private static String describe(Type type) {
    return type.toString().replaceAll("\\s+", " ").trim();
  }

  private static String names(List<Column> columns) {
    return columns.stream().map(Column::name).collect(Collectors.joining(", "));
  }

  private static FeatureStoreException mismatch(String message) {
    return FeatureStoreException.invalid("schema-mismatch", message);
  }

  private static FeatureStoreException malformed(InputFile file, Exception cause) {
    return new FeatureStoreException(
        ErrorKind.INVALID_ARGUMENT, "malformed-parquet",
        "'" + file + "' is not a readable Parquet file: " + Objects.requireNonNullElse(cause.getMessage(), cause.toString())
            + "; check that the complete file was uploaded",
        cause);
  }

  /**
   * Where a schema column's values are in the file.
   *
   * @param leaf the file's primitive column holding the values
   * @param listDef for lists and vectors, the definition level from which the list is present; from
   *     {@code listDef + 1} it has entries, and at the leaf's maximum an entry is a value, not a null
   */
  private record FileColumn(Column column, ColumnDescriptor leaf, int listDef) {}

  /** Copies the column reader's current value into slot {@code index} of a vector. */
  private interface ValueReader {
    void read(ColumnReader values, int index);
  }

  /** Reads one file column into one vector of the batch. */
  private static final class ColumnLoader {
    private final FileColumn column;
    private final FieldVector vector;
    /** Writes into the vector itself for scalars, into its element vector for lists and vectors. */
    private final ValueReader value;
    /** The column's reader in the current row group, or null when {@link #pages} reads it. */
    private ColumnReader values;
    /** The bulk reader of the current row group's pages, when the column qualifies. */
    private PlainPages pages;

    ColumnLoader(FileColumn column, FieldVector vector) {
      this.column = column;
      this.vector = vector;
      FieldVector target =
          vector instanceof ListVector list ? list.getDataVector()
              : vector instanceof FixedSizeListVector fixed ? fixed.getDataVector()
              : vector;
      this.value = valueReader(column.leaf().getPrimitiveType(), target);
    }

    /**
     * Chooses how to read the column in a row group: fixed-width numbers (and microsecond
     * timestamps), scalars or vectors, in bulk from their pages; everything else value by value
     * through parquet-java's column reader.
     */
    void startRowGroup(PageReadStore rowGroup, ParsedVersion writerVersion, PageDecompression decompression)
        throws IOException {
      ColumnDescriptor leaf = column.leaf();
      FieldVector target = vector instanceof FixedSizeListVector fixed ? fixed.getDataVector() : vector;
      PrimitiveTypeName type = leaf.getPrimitiveType().getPrimitiveTypeName();
      boolean numbers =
          (target.getClass() == Float4Vector.class && type == PrimitiveTypeName.FLOAT)
              || (target.getClass() == Float8Vector.class && type == PrimitiveTypeName.DOUBLE)
              || (target.getClass() == IntVector.class && type == PrimitiveTypeName.INT32)
              || (target.getClass() == BigIntVector.class && type == PrimitiveTypeName.INT64)
              || (target instanceof TimeStampVector && type == PrimitiveTypeName.INT64
                  && leaf.getPrimitiveType().getLogicalTypeAnnotation() instanceof TimestampLogicalTypeAnnotation t
                  && t.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS);
      if (numbers && !(vector instanceof ListVector)) {
        pages = new PlainPages(rowGroup.getPageReader(leaf), leaf, decompression);
        values = null;
      } else {
        pages = null;
        values = new ColumnReaderImpl(leaf, rowGroup.getPageReader(leaf), NO_CONVERTER, writerVersion);
      }
    }

    /** Reads {@code count} rows into slots {@code index...}; {@code firstRow} is the file index of the first. */
    void read(int index, int count, long firstRow) throws IOException {
      if (pages != null) {
        if (vector instanceof FixedSizeListVector fixed) {
          readVectorPages(fixed, index, count, firstRow);
        } else {
          readScalarPages(index, count);
        }
        return;
      }
      if (vector instanceof ListVector list) {
        readLists(list, index, count, firstRow);
      } else if (vector instanceof FixedSizeListVector fixed) {
        readVectors(fixed, index, count, firstRow);
      } else {
        readScalars(index, count);
      }
    }

    private void readScalarPages(int index, int count) throws IOException {
      FieldVector target = vector;
      int width = pages.width();
      ensureCapacity(target, index + count);
      int end = index + count;
      int i = index;
      while (i < end) {
        pages.available();
        int run = pages.valueRun(end - i);
        if (run > 0) {
          pages.copyValues(target.getDataBuffer(), (long) i * width, run);
          PlainPages.setValid(target.getValidityBuffer(), i, run);
          i += run;
        } else {
          target.setNull(i);
          pages.skip();
          i++;
        }
      }
    }

    private void readVectorPages(FixedSizeListVector fixed, int index, int count, long firstRow) throws IOException {
      int dimension = fixed.getListSize();
      FieldVector values = fixed.getDataVector();
      ensureCapacity(fixed, index + count);
      ensureCapacity(values, (index + count) * dimension);
      int width = pages.width();
      int maxDef = column.leaf().getMaxDefinitionLevel();
      int end = index + count;
      int i = index;
      while (i < end) {
        pages.available();
        int run = pages.fullRecords(dimension, end - i);
        if (run > 0) {
          pages.copyValues(values.getDataBuffer(), (long) i * dimension * width, run * dimension);
          PlainPages.setValid(values.getValidityBuffer(), i * dimension, run * dimension);
          PlainPages.setValid(fixed.getValidityBuffer(), i, run);
          i += run;
          continue;
        }
        long row = firstRow + i - index;
        int definition = pages.definition();
        if (definition < column.listDef()) {
          fixed.setNull(i);
          pages.skip();
          i++;
          continue;
        }
        // Slow path: a short or long list, null elements, or a row spread over two pages.
        int n = 0;
        if (definition == column.listDef()) {
          pages.skip(); // an empty list
        } else {
          do {
            if (pages.definition() < maxDef) {
              throw invalidValue(row, "element " + n + " is null; list and vector elements must not be null");
            }
            if (n < dimension) {
              pages.copyValues(values.getDataBuffer(), ((long) i * dimension + n) * width, 1);
            } else {
              pages.skip();
            }
            n++;
          } while (hasMoreEntries() && pages.repetition() > 0);
        }
        if (n != dimension) {
          throw invalidValue(row, "expected " + dimension + " values, got " + n);
        }
        PlainPages.setValid(values.getValidityBuffer(), i * dimension, dimension);
        fixed.setNotNull(i);
        i++;
      }
    }

    /** Whether the chunk has entries left; false at the end of the row group's last page. */
    private boolean hasMoreEntries() throws IOException {
      return pages.hasEntries(); // a page that fails to decode throws: nothing is read from it
    }

    private static void ensureCapacity(FieldVector vector, int capacity) {
      while (vector.getValueCapacity() < capacity) {
        vector.reAlloc();
      }
    }

    private void readScalars(int index, int count) {
      int maxDef = column.leaf().getMaxDefinitionLevel();
      for (int i = index; i < index + count; i++) {
        if (values.getCurrentDefinitionLevel() == maxDef) {
          value.read(values, i);
        } else {
          vector.setNull(i);
        }
        values.consume();
      }
    }

    private void readLists(ListVector list, int index, int count, long firstRow) {
      for (int i = index; i < index + count; i++) {
        if (values.getCurrentDefinitionLevel() < column.listDef()) {
          list.setNull(i);
          values.consume();
        } else {
          int start = list.startNewValue(i);
          list.endValue(i, readElements(start, firstRow + i - index));
        }
      }
    }

    private void readVectors(FixedSizeListVector fixed, int index, int count, long firstRow) {
      int dimension = fixed.getListSize();
      for (int i = index; i < index + count; i++) {
        if (values.getCurrentDefinitionLevel() < column.listDef()) {
          fixed.setNull(i);
          values.consume();
          continue;
        }
        fixed.setNotNull(i);
        long row = firstRow + i - index;
        int n = readElements(i * dimension, row);
        if (n != dimension) {
          throw invalidValue(row, "expected " + dimension + " values, got " + n);
        }
      }
    }

    /** Reads the entries of the current row's (present) list into the element vector from {@code start}; returns the count. */
    private int readElements(int start, long row) {
      if (values.getCurrentDefinitionLevel() <= column.listDef()) {
        values.consume(); // an empty list
        return 0;
      }
      int maxDef = column.leaf().getMaxDefinitionLevel();
      int n = 0;
      do {
        if (values.getCurrentDefinitionLevel() < maxDef) {
          throw invalidValue(row, "element " + n + " is null; list and vector elements must not be null");
        }
        value.read(values, start + n);
        n++;
        values.consume();
      } while (values.getCurrentRepetitionLevel() > 0); // 0 starts the next row, or ends the chunk
      return n;
    }

    private FeatureStoreException invalidValue(long row, String detail) {
      return FeatureStoreException.invalid(
          "invalid-value", "row " + row + ", column '" + column.column().name() + "': " + detail);
    }
  }

  private static ValueReader valueReader(PrimitiveType leaf, FieldVector vector) {
    if (vector instanceof TimeStampVector v) {
      if (leaf.getPrimitiveTypeName() == PrimitiveTypeName.INT96) {
        return (r, i) -> v.setSafe(i, int96Micros(r.getBinary()));
      }
      return switch (((TimestampLogicalTypeAnnotation) leaf.getLogicalTypeAnnotation()).getUnit()) {
        case MILLIS -> (r, i) -> v.setSafe(i, r.getLong() * 1_000);
        case MICROS -> (r, i) -> v.setSafe(i, r.getLong());
        case NANOS -> (r, i) -> v.setSafe(i, Math.floorDiv(r.getLong(), 1_000));
      };
    } else if (vector instanceof BitVector v) {
      return (r, i) -> v.setSafe(i, r.getBoolean() ? 1 : 0);
    } else if (vector instanceof IntVector v) {
      return (r, i) -> v.setSafe(i, r.getInteger());
    } else if (vector instanceof BigIntVector v) {
      return (r, i) -> v.setSafe(i, r.getLong());
    } else if (vector instanceof Float4Vector v) {
      return (r, i) -> v.setSafe(i, r.getFloat());
    } else if (vector instanceof Float8Vector v) {
      return (r, i) -> v.setSafe(i, r.getDouble());
    }
    BaseVariableWidthVector v = (BaseVariableWidthVector) vector;
    return (r, i) -> setBinary(v, i, r.getBinary());
  }

  private static void setBinary(BaseVariableWidthVector vector, int index, Binary value) {
    ByteBuffer bytes = value.toByteBuffer();
    if (bytes.hasArray()) {
      vector.setSafe(index, bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
    } else {
      vector.setSafe(index, bytes, bytes.position(), bytes.remaining());
    }
  }

  /** Spark's legacy INT96 timestamp: nanoseconds of the day, then the Julian day, both little-endian. */
  private static long int96Micros(Binary value) {
    ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    long nanosOfDay = bytes.getLong(bytes.position());
    int julianDay = bytes.getInt(bytes.position() + 8);
    return (julianDay - JULIAN_DAY_OF_EPOCH) * MICROS_PER_DAY + Math.floorDiv(nanosOfDay, 1_000);
  }
}
