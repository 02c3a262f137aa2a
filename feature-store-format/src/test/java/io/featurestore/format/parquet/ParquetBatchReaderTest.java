package io.featurestore.format.parquet;

import io.featurestore.format.write.ShardWriteSettings;
import io.featurestore.format.write.SnapshotWriter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.Partitioning;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.format.TestBatches;
import io.featurestore.format.arrow.ArrowSchemas;
import io.featurestore.storage.local.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.NanoTime;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

class ParquetBatchReaderTest {
  private static final long BASE_SECONDS = TestBatches.BASE_MICROS / 1_000_000;
  @TempDir Path root;
  private LocalObjectStore store;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    store = new LocalObjectStore(root);
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    allocator.close(); // fails if a batch leaked
  }

  @ParameterizedTest
  @EnumSource(Compression.class) // SNAPPY and ZSTD through PageDecompression, the others through parquet-java
  void readsEveryValueTheShardWriterWrote(Compression compression) throws Exception {
    ObjectKey shard = writeShard(4, 10_000, compression);
    FeatureSetSchema schema = TestBatches.allTypes();
    List<Integer> batchSizes = new ArrayList<>();
    read(shard, schema, null, 3_000, reader -> {
      assertThat(reader.rowCount()).isEqualTo(40_000);
      assertThat(reader.rowGroupCount()).isGreaterThan(1); // batches span row groups
      assertThat(reader.root().getSchema()).isEqualTo(ArrowSchemas.toArrow(schema));
      long first = 0;
      while (reader.loadNext()) {
        int rows = reader.root().getRowCount();
        batchSizes.add(rows);
        long start = first;
        try (VectorSchemaRoot expected = TestBatches.allTypes(allocator, start, rows)) {
          assertRows(reader.root(), start, row -> rowOf(expected, (int) (row - start)));
        }
        first += rows;
      }
      assertThat(reader.root().getRowCount()).isZero();
    });
    List<Integer> expectedSizes = new ArrayList<>(Collections.nCopies(13, 3_000));
    expectedSizes.add(1_000);
    assertThat(batchSizes).isEqualTo(expectedSizes);
  }

  @Test
  void readsWhatDuckDbWrites() throws Exception {
    duckDb("COPY (SELECT i AS user_id, 'r' || (i % 5) AS region, to_timestamp(" + BASE_SECONDS + " + i * 3600) AS event_time,"
        + " CASE WHEN i % 3 <> 2 THEN make_timestamp(" + TestBatches.BASE_MICROS + " - i) END AS last_seen,"
        + " (i % 100)::SMALLINT AS clicks, CASE WHEN i % 3 <> 2 THEN i % 2 = 1 END AS active, (i / 1000)::FLOAT AS ctr,"
        + " CASE WHEN i % 3 <> 2 THEN (i * 0.5)::DOUBLE END AS score, CASE WHEN i % 3 <> 2 THEN 'label-' || i END AS label,"
        + " CASE WHEN i % 3 <> 2 THEN encode('b' || i) END AS blob,"
        + " CASE WHEN i % 3 <> 2 THEN [(i + k)::FLOAT FOR k IN range(i % 4)] END AS history,"
        + " [i, 0.5, -1]::FLOAT[] AS embedding"
        + " FROM range(10000) t(i)) TO '" + root.resolve("duck.parquet") + "' (FORMAT parquet, ROW_GROUP_SIZE 2048)");
    FeatureSetSchema schema = new FeatureSetSchema(
        List.of(Column.required("user_id", type("int64")), Column.required("region", type("string"))),
        "event_time",
        List.of(Column.optional("last_seen", type("timestamp")), Column.required("clicks", type("int32")),
            Column.optional("active", type("bool")), Column.required("ctr", type("float32")),
            Column.optional("score", type("float64")), Column.optional("label", type("string")),
            Column.optional("blob", type("bytes")), Column.optional("history", type("float32[]")),
            Column.required("embedding", type("float32[3]"))));
    LongFunction<List<Object>> expected = i -> {
      boolean nulls = i % 3 == 2;
      return Arrays.asList(i, "r" + (i % 5), (BASE_SECONDS + i * 3600) * 1_000_000,
          nulls ? null : TestBatches.BASE_MICROS - i, (int) (i % 100), nulls ? null : i % 2 == 1, (float) (i / 1000.0),
          nulls ? null : i * 0.5, nulls ? null : "label-" + i, nulls ? null : ("b" + i).getBytes(StandardCharsets.UTF_8),
          nulls ? null : IntStream.range(0, (int) (i % 4)).mapToObj(k -> (float) (i + k)).toList(),
          List.of((float) i, 0.5f, -1f));
    };
    read(ObjectKey.of("duck.parquet"), schema, null, 1_000, reader -> {
      assertThat(reader.rowGroupCount()).isEqualTo(5);
      long first = 0;
      while (reader.loadNext()) {
        assertRows(reader.root(), first, expected);
        first += reader.root().getRowCount();
      }
      assertThat(first).isEqualTo(10_000);
    });
  }

  @Test
  void readsLegacyAndForeignEncodings() throws Exception {
    // Shapes pyarrow, Spark and old parquet-mr write: INT96, millisecond and nanosecond timestamps,
    // ENUM strings, INT_8, fixed-length bytes, "item" elements, 2-level and bare repeated lists; V2 pages.
    MessageType type = MessageTypeParser.parseMessageType("""
        message spark_schema {
          required int64 user_id;
          required binary region (ENUM);
          required int96 event_time;
          optional int64 ts_millis (TIMESTAMP(MILLIS,true));
          optional int64 ts_nanos (TIMESTAMP(NANOS,false));
          optional int32 small (INTEGER(8,true));
          optional fixed_len_byte_array(3) fixed;
          optional group item_list (LIST) { repeated group list { required double item; } }
          required group two_level (LIST) { repeated int32 array; }
          repeated float bare;
        }""");
    Path file = root.resolve("legacy.parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(type);
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(type)
        .withConf(new Configuration(false)).withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0).build()) {
      Group row = groups.newGroup().append("user_id", 1L).append("region", "a")
          .append("event_time", new NanoTime(2_440_588 + 20_454, 1_500)).append("ts_millis", 1_767_225_600_123L)
          .append("ts_nanos", -1_500L).append("small", -5).append("fixed", Binary.fromConstantByteArray(new byte[] {1, 2, 3}))
          .append("bare", 1f).append("bare", 2f);
      row.addGroup("item_list").addGroup("list").append("item", 1.5);
      row.getGroup("item_list", 0).addGroup("list").append("item", 2.5);
      row.addGroup("two_level").append("array", 7);
      writer.write(row);
      row = groups.newGroup().append("user_id", 2L).append("region", "b")
          .append("event_time", new NanoTime(2_440_588 - 1, 86_399_999_999_000L)).append("bare", 3f).append("bare", 4f);
      row.addGroup("two_level");
      writer.write(row);
      row = groups.newGroup().append("user_id", 3L).append("region", "a").append("event_time", new NanoTime(2_440_588, 0))
          .append("ts_millis", -1L).append("ts_nanos", 999L).append("small", 127)
          .append("fixed", Binary.fromConstantByteArray(new byte[3])).append("bare", 5f).append("bare", 6f);
      row.addGroup("item_list");
      row.addGroup("two_level").append("array", 1).append("array", 2).append("array", 3);
      writer.write(row);
    }
    FeatureSetSchema schema = new FeatureSetSchema(
        List.of(Column.required("user_id", type("int64")), Column.required("region", type("string"))),
        "event_time",
        List.of(Column.optional("ts_millis", type("timestamp")), Column.optional("ts_nanos", type("timestamp")),
            Column.optional("small", type("int32")), Column.optional("fixed", type("bytes")),
            Column.optional("item_list", type("float64[]")), Column.required("two_level", type("int32[]")),
            Column.required("bare", type("float32[2]"))));
    List<List<Object>> expected = List.of(
        Arrays.asList(1L, "a", TestBatches.BASE_MICROS + 1, 1_767_225_600_123_000L, -2L, -5, new byte[] {1, 2, 3},
            List.of(1.5, 2.5), List.of(7), List.of(1f, 2f)),
        Arrays.asList(2L, "b", -1L, null, null, null, null, null, List.of(), List.of(3f, 4f)),
        Arrays.asList(3L, "a", 0L, -1_000L, 0L, 127, new byte[3], List.of(), List.of(1, 2, 3), List.of(5f, 6f)));
    read(ObjectKey.of("legacy.parquet"), schema, null, 10, reader -> {
      assertThat(reader.loadNext()).isTrue();
      assertThat(reader.root().getRowCount()).isEqualTo(3);
      assertRows(reader.root(), 0, row -> expected.get((int) row));
      assertThat(reader.loadNext()).isFalse();
    });
  }

  @Test
  void projectionReadsOnlyTheRequestedColumnChunks() throws Exception {
    ObjectKey shard = writeShard(4, 10_000);
    FeatureSetSchema schema = TestBatches.allTypes();
    long fileBytes = Files.size(root.resolve(shard.path()));

    CountingObjectInput projected = new CountingObjectInput(store.open(shard));
    List<String> projection = List.of("clicks", "user_id");
    try (projected; ParquetBatchReader reader =
        ParquetBatchReader.open(new ObjectInputFile(shard.path(), projected), schema, projection, allocator, 4_096)) {
      assertThat(reader.root().getSchema()).isEqualTo(new Schema(List.of(
          ArrowSchemas.toArrow(schema.features().get(1)), ArrowSchemas.toArrow(schema.entityKeys().get(0)))));
      long first = 0;
      while (reader.loadNext()) {
        assertRows(reader.root(), first, row -> List.of((int) (row % 100), row));
        first += reader.root().getRowCount();
      }
      assertThat(first).isEqualTo(40_000);
    }
    CountingObjectInput all = new CountingObjectInput(store.open(shard));
    try (all; ParquetBatchReader reader =
        ParquetBatchReader.open(new ObjectInputFile(shard.path(), all), schema, List.of(), allocator, 4_096)) {
      while (reader.loadNext()) {
        assertThat(reader.root().getFieldVectors()).hasSize(schema.columns().size());
      }
    }
    assertThat(all.bytesRead).isGreaterThan(fileBytes * 9 / 10);
    assertThat(projected.bytesRead).isLessThan(fileBytes / 5);
  }

  @Test
  void schemaMismatchNamesTheColumnAndBothTypes() throws Exception {
    ObjectKey shard = writeShard(1, 100);
    FeatureSetSchema schema = TestBatches.allTypes();

    FeatureSetSchema wrongType = withFeature(schema, Column.required("ctr", type("float64")));
    assertOpenFails(shard, wrongType, null, "schema-mismatch",
        "column 'ctr' is float64 in the feature set but required float ctr");

    FeatureSetSchema wrongShape = withFeature(schema, Column.optional("score", type("float64[]")));
    assertOpenFails(shard, wrongShape, null, "schema-mismatch",
        "column 'score' is float64[] in the feature set but optional double score");

    List<Column> features = new ArrayList<>(schema.features());
    features.add(Column.optional("extra", type("int64")));
    FeatureSetSchema missing = new FeatureSetSchema(schema.entityKeys(), schema.eventTimestamp(), features);
    assertOpenFails(shard, missing, List.of("user_id", "extra"), "schema-mismatch", "column 'extra' (int64) is missing from");

    FeatureSetSchema fewer = new FeatureSetSchema(schema.entityKeys(), schema.eventTimestamp(),
        schema.features().stream().filter(f -> !f.name().equals("blob")).toList());
    assertOpenFails(shard, fewer, null, "schema-mismatch", "has column 'blob' (optional binary blob");
    read(shard, fewer, List.of("user_id", "label"), 100, reader -> assertThat(reader.loadNext()).isTrue());

    assertOpenFails(shard, schema, List.of("user_id", "nope"), "unknown-column", "column 'nope' is not in the feature set");
  }

  @ParameterizedTest // shorter and longer than the vector, in the middle of rows read in one piece
  @CsvSource({"'[1, 2]', 2", "'[1, 2, 3, 4]', 4"})
  void vectorOfTheWrongLengthNamesRowAndColumn(String wrong, int length) throws Exception {
    duckDb("COPY (SELECT i AS user_id, to_timestamp(" + BASE_SECONDS + " + i) AS event_time,"
        + " CASE WHEN i = 7777 THEN " + wrong + "::FLOAT[] ELSE [1, 2, 3]::FLOAT[] END AS embedding"
        + " FROM range(10000) t(i)) TO '" + root.resolve("dims.parquet") + "' (FORMAT parquet, ROW_GROUP_SIZE 2048)");
    FeatureSetSchema schema = new FeatureSetSchema(List.of(Column.required("user_id", type("int64"))), "event_time",
        List.of(Column.required("embedding", type("float32[3]"))));
    read(ObjectKey.of("dims.parquet"), schema, null, 1_000, reader -> {
      for (int batch = 0; batch < 7; batch++) {
        assertThat(reader.loadNext()).isTrue();
      }
      assertThatThrownBy(reader::loadNext).isInstanceOfSatisfying(FeatureStoreException.class, e -> {
        assertThat(e.code()).isEqualTo("invalid-value");
        assertThat(e).hasMessage("row 7777, column 'embedding': expected 3 values, got " + length);
      });
      assertThatThrownBy(reader::loadNext).isInstanceOf(IllegalStateException.class);
    });
  }

  @Test
  void nullListElementNamesRowAndColumn() throws Exception {
    duckDb("COPY (SELECT i AS user_id, to_timestamp(" + BASE_SECONDS + " + i) AS event_time,"
        + " CASE WHEN i = 3 THEN [1, NULL]::DOUBLE[] ELSE [i]::DOUBLE[] END AS history"
        + " FROM range(10) t(i)) TO '" + root.resolve("nulls.parquet") + "' (FORMAT parquet)");
    FeatureSetSchema schema = new FeatureSetSchema(List.of(Column.required("user_id", type("int64"))), "event_time",
        List.of(Column.optional("history", type("float64[]"))));
    read(ObjectKey.of("nulls.parquet"), schema, null, 100, reader ->
        assertThatThrownBy(reader::loadNext).isInstanceOfSatisfying(FeatureStoreException.class, e -> {
          assertThat(e.code()).isEqualTo("invalid-value");
          assertThat(e).hasMessageStartingWith("row 3, column 'history': element 1 is null");
        }));
  }

  @Test
  void truncatedOrForeignInputIsMalformed() throws Exception {
    ObjectKey shard = writeShard(1, 5_000);
    byte[] bytes = Files.readAllBytes(root.resolve(shard.path()));
    FeatureSetSchema schema = TestBatches.allTypes();

    store.put(ObjectKey.of("truncated.parquet"), Arrays.copyOf(bytes, bytes.length / 2));
    assertMalformed(ObjectKey.of("truncated.parquet"), schema);
    store.put(ObjectKey.of("upload.csv"), "user_id,region\n1,eu\n".getBytes(StandardCharsets.UTF_8));
    assertMalformed(ObjectKey.of("upload.csv"), schema);
    store.put(ObjectKey.of("empty.parquet"), new byte[0]);
    assertMalformed(ObjectKey.of("empty.parquet"), schema);

    // The footer is intact but a page is not: the page checksum catches it while reading.
    byte[] corrupt = bytes.clone();
    for (int i = bytes.length / 3; i < bytes.length / 3 + 64; i++) {
      corrupt[i] ^= 0x5a;
    }
    store.put(ObjectKey.of("corrupt.parquet"), corrupt);
    read(ObjectKey.of("corrupt.parquet"), schema, null, 10_000, reader ->
        assertThatThrownBy(reader::loadNext).isInstanceOfSatisfying(FeatureStoreException.class, e -> {
          assertThat(e.code()).isEqualTo("malformed-parquet");
          assertThat(e.getCause()).isNotNull();
        }));
  }

  @Test
  void aRowGroupsAdjacentChunksAreFetchedByOneRequest() throws Exception {
    // One row group of ~24 MB in three adjacent chunks: parquet-java reads it in 8 MiB buffers.
    duckDb("COPY (SELECT i AS user_id, to_timestamp(" + BASE_SECONDS + " + i) AS event_time, random() AS x"
        + " FROM range(1000000) t(i)) TO '" + root.resolve("wide.parquet") + "' (FORMAT parquet, ROW_GROUP_SIZE 1000000,"
        + " COMPRESSION uncompressed)");
    FeatureSetSchema schema = new FeatureSetSchema(List.of(Column.required("user_id", type("int64"))), "event_time",
        List.of(Column.optional("x", type("float64"))));
    try (CountingObjectInput input = new CountingObjectInput(store.open(ObjectKey.of("wide.parquet")))) {
      long sum = 0;
      try (ParquetBatchReader reader = ParquetBatchReader.open(new ObjectInputFile("wide.parquet", input), schema, null, allocator, 100_000)) {
        assertThat(reader.largestRowGroupBytes()).isGreaterThan(16L << 20);
        while (reader.loadNext()) {
          BigIntVector ids = (BigIntVector) reader.root().getVector(0);
          for (int i = 0; i < ids.getValueCount(); i++) {
            sum += ids.get(i);
          }
        }
      }
      assertThat(sum).isEqualTo(999_999L * 1_000_000 / 2);
      assertThat(input.largeReads).as("8 MiB buffers read one by one").isZero();
      assertThat(input.streams).isEqualTo(1);
    }
  }

  @Test
  void aFailingStoreIsUnavailableNotMalformed() throws Exception {
    ObjectKey shard = writeShard(1, 5_000);
    FeatureSetSchema schema = TestBatches.allTypes();
    for (int readsBeforeFailing : new int[] {0, 1}) { // the footer, then a row group
      int[] reads = {0};
      try (var input = new io.featurestore.storage.ForwardingObjectInput(store.open(shard)) {
        @Override
        public void readFully(long position, byte[] buffer, int offset, int length) throws java.io.IOException {
          failAfterSomeReads();
          super.readFully(position, buffer, offset, length);
        }

        @Override
        public java.io.InputStream newStream(long position, long length) throws java.io.IOException {
          failAfterSomeReads();
          return super.newStream(position, length);
        }

        private void failAfterSomeReads() throws java.io.IOException {
          if (reads[0]++ >= readsBeforeFailing) {
            throw new java.net.SocketTimeoutException("injected: read timed out");
          }
        }
      }) {
        ObjectInputFile file = new ObjectInputFile(shard.path(), input);
        assertThatThrownBy(() -> {
          try (ParquetBatchReader reader = ParquetBatchReader.open(file, schema, null, allocator, 100)) {
            reader.loadNext();
          }
        }).isInstanceOfSatisfying(FeatureStoreException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
          assertThat(e.code()).isEqualTo("store-unavailable");
          assertThat(e).hasMessageContaining(shard.path()).hasMessageContaining("read timed out");
        });
      }
    }
  }

  private void assertMalformed(ObjectKey key, FeatureSetSchema schema) throws Exception {
    try (var input = store.open(key)) {
      ObjectInputFile file = new ObjectInputFile(key.path(), input);
      assertThatThrownBy(() -> ParquetBatchReader.open(file, schema, null, allocator, 100))
          .isInstanceOfSatisfying(FeatureStoreException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.code()).isEqualTo("malformed-parquet");
            assertThat(e).hasMessageContaining("'" + key.path() + "' is not a readable Parquet file");
            assertThat(e.getCause()).isNotNull();
          });
    }
  }

  private void assertOpenFails(ObjectKey key, FeatureSetSchema schema, List<String> projection, String code, String message)
      throws Exception {
    try (var input = store.open(key)) {
      ObjectInputFile file = new ObjectInputFile(key.path(), input);
      assertThatThrownBy(() -> ParquetBatchReader.open(file, schema, projection, allocator, 100))
          .isInstanceOfSatisfying(FeatureStoreException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e).hasMessageContaining(message);
          });
    }
  }

  /** Opens the object and runs {@code body} on a reader of it, closing both. */
  private void read(
      ObjectKey key, FeatureSetSchema schema, List<String> projection, int batchRows, Consumer<ParquetBatchReader> body)
      throws Exception {
    try (var input = store.open(key);
        ParquetBatchReader reader =
            ParquetBatchReader.open(new ObjectInputFile(key.path(), input), schema, projection, allocator, batchRows)) {
      body.accept(reader);
    }
  }

  /** One shard of TestBatches rows with 1 MiB row groups. */
  private ObjectKey writeShard(int batches, int rowsPerBatch) throws Exception {
    return writeShard(batches, rowsPerBatch, Compression.ZSTD);
  }

  private ObjectKey writeShard(int batches, int rowsPerBatch, Compression compression) throws Exception {
    StorageOptions storage = new StorageOptions(Set.of(ShardFormat.PARQUET), 1L << 30, compression, Partitioning.NONE);
    try (SnapshotWriter writer = new SnapshotWriter(store, ObjectKey.of("data"), "snap1", TestBatches.allTypes(),
        storage, new ShardWriteSettings(1 << 20, 64 * 1024, 1))) {
      for (int b = 0; b < batches; b++) {
        try (VectorSchemaRoot batch = TestBatches.allTypes(allocator, (long) b * rowsPerBatch, rowsPerBatch)) {
          writer.write(batch);
        }
      }
      List<ShardEntry> shards = writer.finish();
      assertThat(shards).hasSize(1);
      return shards.get(0).key();
    }
  }

  private static void duckDb(String copy) throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute(copy);
    }
  }

  /** Compares every value of the batch with the expected row values (in column order), row {@code first} first. */
  private static void assertRows(VectorSchemaRoot batch, long first, LongFunction<? extends List<?>> expected) {
    List<FieldVector> vectors = batch.getFieldVectors();
    for (int i = 0; i < batch.getRowCount(); i++) {
      List<?> row = expected.apply(first + i);
      for (int c = 0; c < vectors.size(); c++) {
        Object actual = value(vectors.get(c), i);
        if (!Objects.deepEquals(actual, row.get(c))) {
          assertThat(actual).as("row %d, column %s", first + i, vectors.get(c).getName()).isEqualTo(row.get(c));
        }
      }
    }
  }

  private static List<Object> rowOf(VectorSchemaRoot batch, int index) {
    return batch.getFieldVectors().stream().map(v -> value(v, index)).toList();
  }

  private static Object value(FieldVector vector, int index) {
    Object value = vector.getObject(index);
    return value instanceof Text text ? text.toString() : value;
  }

  private static FeatureType type(String text) {
    return FeatureType.parse(text);
  }

  /** The schema with the feature of the same name replaced. */
  private static FeatureSetSchema withFeature(FeatureSetSchema schema, Column feature) {
    return new FeatureSetSchema(schema.entityKeys(), schema.eventTimestamp(),
        schema.features().stream().map(f -> f.name().equals(feature.name()) ? feature : f).toList());
  }
}
