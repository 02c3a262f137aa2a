package io.featurestore.format.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.Partitioning;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.format.TestBatches;
import io.featurestore.storage.local.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotWriterTest {
  private static final ObjectKey PREFIX = ObjectKey.of("feature-sets/users/v1/data/snap1");
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
    allocator.close();
  }

  private List<ShardEntry> write(StorageOptions storage, int batches, int rowsPerBatch) throws Exception {
    try (SnapshotWriter writer = new SnapshotWriter(
        store, PREFIX, "snap1", TestBatches.allTypes(), storage, new ShardWriteSettings(1 << 20, 64 * 1024, 2))) {
      for (int b = 0; b < batches; b++) {
        try (VectorSchemaRoot batch = TestBatches.allTypes(allocator, (long) b * rowsPerBatch, rowsPerBatch)) {
          writer.write(batch);
        }
      }
      return writer.finish();
    }
  }

  private static StorageOptions options(long shardBytes, Partitioning partitioning) {
    return new StorageOptions(Set.of(ShardFormat.PARQUET), shardBytes, Compression.ZSTD, partitioning);
  }

  private String files(List<ShardEntry> shards) {
    return shards.stream().map(s -> "'" + root.resolve(s.key().path()) + "'").collect(Collectors.joining(",", "[", "]"));
  }

  @Test
  void rollsShardsAtTargetAndDescribesEachShard() throws Exception {
    List<ShardEntry> shards = write(options(256 * 1024, Partitioning.NONE), 10, 10_000);

    assertThat(shards.size()).isGreaterThan(2);
    assertThat(shards.stream().mapToLong(ShardEntry::rows).sum()).isEqualTo(100_000);
    for (ShardEntry shard : shards.subList(0, shards.size() - 1)) {
      assertThat(shard.bytes()).isGreaterThanOrEqualTo(256 * 1024);
    }
    for (ShardEntry shard : shards) {
      byte[] bytes = Files.readAllBytes(root.resolve(shard.key().path()));
      assertThat((long) bytes.length).isEqualTo(shard.bytes());
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      assertThat(shard.crc32c()).isEqualTo(String.format("%08x", crc.getValue()));
      assertThat(shard.addedBy()).isEqualTo("snap1");
      assertThat(shard.key().isUnder(PREFIX)).isTrue();
    }
    ShardEntry first = shards.get(0);
    assertThat(first.minEventTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(shards.get(shards.size() - 1).maxEventTime())
        .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * 99_999));
  }

  @Test
  void duckDbReadsEveryValueBack() throws Exception {
    List<ShardEntry> shards = write(options(256 * 1024, Partitioning.NONE), 3, 5_000);
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
      ResultSet agg = st.executeQuery(
          "SELECT count(*), count(DISTINCT user_id), sum(clicks), count(label) FROM read_parquet(" + files(shards) + ")");
      agg.next();
      assertThat(agg.getLong(1)).isEqualTo(15_000);
      assertThat(agg.getLong(2)).isEqualTo(15_000);
      assertThat(agg.getLong(3)).isEqualTo(java.util.stream.LongStream.range(0, 15_000).map(i -> i % 100).sum());
      assertThat(agg.getLong(4)).isEqualTo(10_000);

      ResultSet row = st.executeQuery(
          "SELECT region, epoch_us(event_time), active, clicks, views, ctr, score, label, blob, epoch_us(last_seen),"
              + " history::VARCHAR, embedding::VARCHAR FROM read_parquet(" + files(shards) + ") WHERE user_id = 7");
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo("r2");
      assertThat(row.getLong(2)).isEqualTo(TestBatches.BASE_MICROS + 7 * TestBatches.HOUR_MICROS);
      assertThat(row.getBoolean(3)).isTrue();
      assertThat(row.getInt(4)).isEqualTo(7);
      assertThat(row.getLong(5)).isEqualTo(70);
      assertThat(row.getFloat(6)).isEqualTo(0.007f);
      assertThat(row.getDouble(7)).isEqualTo(3.5);
      assertThat(row.getString(8)).isEqualTo("label-7");
      assertThat(row.getBytes(9)).containsExactly(7, 1, 2);
      assertThat(row.getLong(10)).isEqualTo(TestBatches.BASE_MICROS - 7);
      assertThat(row.getString(11)).isEqualTo("[7, 8, 9]");
      assertThat(row.getString(12)).isEqualTo("[7.0, 7.1, 7.2, 7.3]");

      ResultSet nulls = st.executeQuery(
          "SELECT active IS NULL, label IS NULL, history IS NULL FROM read_parquet(" + files(shards) + ") WHERE user_id = 8");
      nulls.next();
      assertThat(nulls.getBoolean(1)).isTrue();
      assertThat(nulls.getBoolean(2)).isTrue();
      assertThat(nulls.getBoolean(3)).isTrue();
    }
  }

  @Test
  void partitionsByEventDate() throws Exception {
    // 24 rows per day: 100 rows span 5 dates; two open partitions at most.
    List<ShardEntry> shards = write(options(1 << 30, Partitioning.EVENT_DATE), 2, 50);
    assertThat(shards).extracting(ShardEntry::partition)
        .containsExactlyInAnyOrder("2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05");
    for (ShardEntry shard : shards) {
      assertThat(shard.key().path()).contains("/event_date=" + shard.partition() + "/");
      assertThat(shard.minEventTime().toString()).startsWith(shard.partition());
      assertThat(shard.maxEventTime().toString()).startsWith(shard.partition());
    }
    assertThat(shards.stream().mapToLong(ShardEntry::rows).sum()).isEqualTo(100);
  }

  @Test
  void closeWithoutFinishLeavesNothing() throws Exception {
    try (SnapshotWriter writer = new SnapshotWriter(
        store, PREFIX, "snap1", TestBatches.allTypes(), options(64 * 1024, Partitioning.NONE), ShardWriteSettings.defaults())) {
      try (VectorSchemaRoot batch = TestBatches.allTypes(allocator, 0, 20_000)) {
        writer.write(batch);
      }
    }
    assertThat(store.list(ObjectKey.of("feature-sets"))).isEmpty();
  }
}
