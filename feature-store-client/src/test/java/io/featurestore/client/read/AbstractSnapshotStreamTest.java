package io.featurestore.client.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.client.read.ReadOptions.Remainder;
import io.featurestore.client.shards.DirectShards;
import io.featurestore.client.shards.ShardSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streaming a snapshot from a bucket: order, sharding across workers, shuffle, resume, filters. */
abstract class AbstractSnapshotStreamTest {
  static final int ROWS = 200_000;
  /** Shared by every stream test in the JVM; daemon threads, so it never holds the JVM open. */
  static final ExecutorService POOL = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "test-read");
    t.setDaemon(true);
    return t;
  });

  RootAllocator allocator;

  /** The store holding {@link #manifest()}. */
  abstract ObjectStore store();

  /** How streams reach the shards. */
  ShardSource shards() {
    return new DirectShards(store());
  }

  abstract SnapshotManifest manifest();

  /** The shard format the tests read. */
  ShardFormat format() {
    return ShardFormat.PARQUET;
  }

  /** The shards of {@link #format()}. */
  List<ShardEntry> formatShards() {
    return manifest().shards(format());
  }

  private RecyclingMemory memory;

  /** The client's memory: large blocks recycled, as {@code FeatureStoreClient} does. */
  @BeforeEach
  void allocate() {
    memory = new RecyclingMemory(32L << 20);
    allocator = memory.newRootAllocator();
  }

  @AfterEach
  void noLeaks() {
    allocator.close(); // fails on a buffer a stream did not free
    memory.close();
  }

  SnapshotStream open(ReadOptions options, ReaderState resume) {
    return open(manifest(), shards(), options, resume, 8L * 1024 * 1024);
  }

  SnapshotStream open(SnapshotManifest manifest, ShardSource shards, ReadOptions options, ReaderState resume, long budget) {
    return new SnapshotStream(manifest, shards, options.withFormat(format()), resume, POOL, allocator, budget);
  }

  /** Ids in delivery order, and the number of batches. */
  record Read(List<Long> ids, int batches) {}

  Read read(ReadOptions options) {
    try (SnapshotStream stream = open(options, null)) {
      return drain(stream, Integer.MAX_VALUE);
    }
  }

  static Read drain(SnapshotStream stream, int maxBatches) {
    List<Long> ids = new ArrayList<>();
    int batches = 0;
    while (batches < maxBatches && stream.next()) {
      BigIntVector id = (BigIntVector) stream.batch().getVector("id");
      for (int i = 0; i < stream.batch().getRowCount(); i++) {
        ids.add(id.get(i));
      }
      batches++;
    }
    return new Read(ids, batches);
  }

  @ParameterizedTest // batches sliced from units: at bytes of the validity bitmaps, and across them
  @ValueSource(ints = {7000, 777})
  void orderedReadDeliversEveryRowInSnapshotOrderWithItsPosition(int batchRows) {
    assertThat(formatShards()).hasSizeGreaterThan(3);
    try (SnapshotStream stream = open(ReadOptions.ordered().withBatchRows(batchRows), null)) {
      long expected = 0;
      while (stream.next()) {
        var batch = stream.batch();
        for (int i = 0; i < batch.getRowCount(); i++, expected++) {
          assertThat(((BigIntVector) batch.getVector("id")).get(i)).isEqualTo(expected);
          // Shards hold consecutive ids, so the position names the row exactly.
          long firstIdOfShard = manifest().shards().subList(0, stream.shardOf(i)).stream()
              .filter(shard -> shard.format() == format()).mapToLong(ShardEntry::rows).sum();
          assertThat(firstIdOfShard + stream.rowInShard(i)).isEqualTo(expected);
        }
        assertValues(stream);
      }
      assertThat(expected).isEqualTo(ROWS);
    }
  }

  @Test
  void orderedWorkersTogetherReadEveryRowExactlyOnce() {
    for (int world = 1; world <= 4; world++) {
      List<Long> all = new ArrayList<>();
      for (int rank = 0; rank < world; rank++) {
        List<Long> ids = read(ReadOptions.ordered().withWorker(rank, world)).ids();
        assertThat(ids.size()).isBetween(ROWS / world, ROWS / world + 1);
        all.addAll(ids);
      }
      assertThat(all).isEqualTo(LongStream.range(0, ROWS).boxed().toList());
    }
  }

  /** Every row of the batch holds the values that belong to its id. */
  static void assertValues(SnapshotStream stream) {
    for (int i = 0; i < stream.batch().getRowCount(); i++) {
      Row row = stream.row(i);
      long id = (Long) row.get("id");
      assertThat(row.get("event_time")).isEqualTo(TestSnapshots.time(id));
      assertThat(row.get("score")).isEqualTo(TestSnapshots.score(id));
      assertThat(row.get("embedding")).isEqualTo(TestSnapshots.embedding(id));
    }
  }

  @Test
  void shuffledRowsKeepTheirValues() {
    try (SnapshotStream stream = open(ReadOptions.shuffled(9).withShuffleBlockRows(20_000).withBatchRows(10_000), null)) {
      int rows = 0;
      while (stream.next()) {
        assertValues(stream);
        rows += stream.batch().getRowCount();
      }
      assertThat(rows).isEqualTo(ROWS);
    }
  }

  @Test
  void shuffleIsDeterministicPerSeedAndEpoch() {
    ReadOptions options = ReadOptions.shuffled(7).withShuffleBlockRows(30_000).withEpochs(2).withBatchRows(5000);
    List<Long> first = read(options).ids();
    assertThat(first).hasSize(2 * ROWS);
    List<Long> epoch0 = first.subList(0, ROWS);
    List<Long> epoch1 = first.subList(ROWS, 2 * ROWS);
    assertThat(new HashSet<>(epoch0)).hasSize(ROWS);
    assertThat(new HashSet<>(epoch1)).hasSize(ROWS);
    assertThat(epoch0).isNotEqualTo(epoch1).isNotEqualTo(LongStream.range(0, ROWS).boxed().toList());
    assertThat(read(options).ids()).isEqualTo(first);
    assertThat(read(options.withBatchRows(777)).ids()).isEqualTo(first); // batch size does not change the order
    assertThat(read(ReadOptions.shuffled(8).withShuffleBlockRows(30_000)).ids()).isNotEqualTo(epoch0);
  }

  @Test
  void workersShareOneGlobalOrderWithEqualBatchCounts() {
    ReadOptions options = ReadOptions.shuffled(11).withShuffleBlockRows(40_000).withBatchRows(4096);
    List<Long> global = read(options).ids();
    for (int world : new int[] {2, 3, 7}) {
      List<Long> concatenated = new ArrayList<>();
      Set<Integer> batchCounts = new HashSet<>();
      for (int rank = 0; rank < world; rank++) {
        Read part = read(options.withWorker(rank, world));
        assertThat(part.ids()).hasSize(ROWS / world);
        concatenated.addAll(part.ids());
        batchCounts.add(part.batches());
      }
      assertThat(batchCounts).hasSize(1);
      assertThat(concatenated).isEqualTo(global.subList(0, world * (ROWS / world)));

      Set<Long> padded = new HashSet<>();
      Set<Integer> paddedBatchCounts = new HashSet<>();
      for (int rank = 0; rank < world; rank++) {
        Read part = read(options.withWorker(rank, world).withRemainder(Remainder.PAD));
        assertThat(part.ids()).hasSize((ROWS + world - 1) / world);
        padded.addAll(part.ids());
        paddedBatchCounts.add(part.batches());
      }
      assertThat(padded).hasSize(ROWS);
      assertThat(paddedBatchCounts).hasSize(1);
    }
    // One block for the whole snapshot: the last worker's padding wraps into the block it holds.
    ReadOptions oneBlock = options.withShuffleBlockRows(ROWS).withRemainder(Remainder.PAD);
    List<Long> last = read(oneBlock.withWorker(2, 3)).ids();
    assertThat(last).hasSize((ROWS + 2) / 3);
    assertThat(last.get(last.size() - 1)).as("3 x 66,667 rows: one repeats the first").isEqualTo(read(oneBlock).ids().get(0));
  }

  @ParameterizedTest // training, and batch inference (ordered: its batches end at row groups too)
  @ValueSource(booleans = {true, false})
  void resumeDeliversExactlyTheRemainingSamples(boolean shuffled) {
    ReadOptions options = (shuffled ? ReadOptions.shuffled(3) : ReadOptions.ordered())
        .withShuffleBlockRows(50_000).withEpochs(2).withBatchRows(3000).withWorker(1, 2);
    List<Long> uninterrupted = read(options).ids();
    assertThat(uninterrupted).hasSize(2 * (ROWS / 2));
    for (int stopAfter : new int[] {1, 20, 33, 34, 50}) {
      List<Long> resumed = new ArrayList<>();
      ReaderState state;
      try (SnapshotStream stream = open(options, null)) {
        resumed.addAll(drain(stream, stopAfter).ids());
        state = ReaderState.decode(stream.state().encode());
      }
      try (SnapshotStream stream = open(options.withBatchRows(1234), state)) {
        resumed.addAll(drain(stream, Integer.MAX_VALUE).ids());
      }
      assertThat(resumed).as("stopped after %d batches", stopAfter).isEqualTo(uninterrupted);
    }
    ReaderState other = new ReaderState(manifest().snapshotId(), ReadOptions.shuffled(4).orderKey() + ";format=" + format(), 0, 10);
    assertThatThrownBy(() -> open(options, other))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> assertThat(e.code()).isEqualTo("invalid-resume-state"));
  }

  @Test
  void afterAFailedBatchTheStateResumesWithItsSamples() throws Exception {
    ReadOptions options = ReadOptions.shuffled(6).withShuffleBlockRows(30_000).withBatchRows(2300); // blocks end inside batches
    List<Long> uninterrupted = read(options).ids();
    ObservedShards failing = new ObservedShards(shards());
    List<Long> delivered = new ArrayList<>();
    ReaderState state;
    try (SnapshotStream stream = open(manifest(), failing, options, null, 1)) { // loads little ahead
      delivered.addAll(drain(stream, 5).ids());
      failing.broken.set(true); // units loaded ahead are still delivered, then a batch fails part-way
      assertThatThrownBy(() -> {
        while (stream.next()) {
          BigIntVector id = (BigIntVector) stream.batch().getVector("id");
          for (int i = 0; i < stream.batch().getRowCount(); i++) {
            delivered.add(id.get(i));
          }
        }
      }).hasStackTraceContaining("bucket gone");
      state = stream.state();
      assertThatThrownBy(stream::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("state()");
    }
    assertThat(delivered.size()).isLessThan(ROWS);
    try (SnapshotStream stream = open(options, state)) {
      delivered.addAll(drain(stream, Integer.MAX_VALUE).ids());
    }
    assertThat(delivered).isEqualTo(uninterrupted);
  }

  @Test
  void projectionReadsOnlyTheRequestedColumns() {
    try (SnapshotStream stream = open(ReadOptions.ordered().withColumns(List.of("embedding", "id")), null)) {
      assertThat(stream.next()).isTrue();
      assertThat(stream.batch().getSchema().getFields()).extracting(f -> f.getName()).containsExactly("embedding", "id");
      assertThat(stream.row(5).get("embedding")).isEqualTo(TestSnapshots.embedding(5));
    }
    assertThatThrownBy(() -> open(ReadOptions.ordered().withColumns(List.of("nope")), null))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> assertThat(e.code()).isEqualTo("unknown-column"));
  }

  @Test
  void projectionAndEventTimeRangeFetchOnlyWhatTheyNeed() {
    long all = bytesFetched(ReadOptions.ordered());
    assertThat(all).isGreaterThan(formatShards().stream().mapToLong(ShardEntry::bytes).sum() * 9 / 10);
    // The last 1% of rows lie in the last row groups (TFRecord blocks): the others are skipped unread.
    assertThat(bytesFetched(ReadOptions.ordered().withEventTimeRange(TestSnapshots.time(ROWS - 2000), null)))
        .isLessThan(all / 10);
    if (format() == ShardFormat.PARQUET) { // a TFRecord block holds whole records: nothing to project away
      assertThat(bytesFetched(ReadOptions.ordered().withColumns(List.of("id")))).isLessThan(all / 3);
    }
  }

  /** Bytes the stream asked the shard source for, reading every row with these options. */
  private long bytesFetched(ReadOptions options) {
    ObservedShards counting = new ObservedShards(shards());
    try (SnapshotStream stream = open(manifest(), counting, options, null, 8L << 20)) {
      drain(stream, Integer.MAX_VALUE);
    }
    return counting.bytesRequested.get();
  }

  @Test
  void eventTimeRangeKeepsExactlyTheRowsInside() {
    ReadOptions range = ReadOptions.ordered().withEventTimeRange(TestSnapshots.time(12_345), TestSnapshots.time(150_001));
    assertThat(read(range).ids()).isEqualTo(LongStream.range(12_345, 150_001).boxed().toList());
    List<Long> shuffled = read(ReadOptions.shuffled(5).withEventTimeRange(TestSnapshots.time(199_990), null)).ids();
    assertThat(shuffled).containsExactlyInAnyOrderElementsOf(LongStream.range(199_990, ROWS).boxed().toList());
  }

  @Test
  void memoryDependsOnTheBudgetNotOnTheSnapshotSize() {
    SnapshotManifest m = manifest();
    List<ShardEntry> fiveTimes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      fiveTimes.addAll(m.shards());
    }
    SnapshotManifest large = new SnapshotManifest(m.formatVersion(), m.featureSet(), m.version(), m.snapshotId(),
        m.sequenceNumber(), m.parentSnapshotId(), m.operation(), m.committedAt(), m.schema(), 5 * m.rowCount(),
        5 * m.byteCount(), fiveTimes);
    long budget = 1L << 20;
    // Whether the next unit finishes loading before the consumer lets go of the last one's batch is
    // timing: it moved a bounded peak by up to 12.5% between runs of the same read. With no budget,
    // 5x the data took 1.2-4x the memory (typically 2x), well past the margins here.
    long once = peakMemory(m, ReadOptions.ordered(), budget);
    assertThat(peakMemory(large, ReadOptions.ordered(), budget)).isLessThanOrEqualTo(once + once / 4);
    // Shuffled, memory holds a block of row groups drawn at random, so its peak also varies with the draw.
    ReadOptions shuffled = ReadOptions.shuffled(4).withShuffleBlockRows(20_000);
    once = peakMemory(m, shuffled, budget);
    assertThat(peakMemory(large, shuffled, budget)).isLessThanOrEqualTo(once + once / 2);
  }

  @Test
  void aReadSetsItsOwnParallelismAndMemoryBudget() {
    ObservedShards counting = new ObservedShards(shards());
    // The client's pool has 4 threads and the budget room for many units; the read allows one at a time.
    try (SnapshotStream stream = open(manifest(), counting, ReadOptions.ordered().withParallelism(1), null, 64L << 20)) {
      counting.mostOpen.set(counting.open.get()); // planning read the footers in parallel, before this read's loads
      assertThat(drain(stream, Integer.MAX_VALUE).ids()).hasSize(ROWS);
      assertThat(counting.mostOpen.get()).isEqualTo(1);
    }
    long small = peakMemory(manifest(), ReadOptions.ordered().withMemoryBudget(1), 64L << 20);
    long large = peakMemory(manifest(), ReadOptions.ordered(), 64L << 20);
    assertThat(small).as("a budget of its own, below the client's").isLessThan(large);
  }

  /** The most Arrow memory a stream held at once while reading every row. */
  private long peakMemory(SnapshotManifest manifest, ReadOptions options, long budget) {
    try (RootAllocator measured = new RootAllocator();
        SnapshotStream stream = new SnapshotStream(manifest, shards(), options.withFormat(format()), null, POOL, measured, budget)) {
      long rows = 0;
      while (stream.next()) {
        rows += stream.batch().getRowCount();
      }
      assertThat(rows).isEqualTo(manifest.rowCount());
      return measured.getPeakMemoryAllocation();
    }
  }

  @Test
  void tinyMemoryBudgetStillReads() {
    try (SnapshotStream stream = open(manifest(), shards(), ReadOptions.ordered(), null, 1)) {
      assertThat(drain(stream, Integer.MAX_VALUE).ids()).hasSize(ROWS);
    }
    // A shuffle block of many units, all held at once, far above the budget.
    ReadOptions shuffled = ReadOptions.shuffled(2).withShuffleBlockRows(100_000);
    try (SnapshotStream stream = open(manifest(), shards(), shuffled, null, 1)) {
      assertThat(drain(stream, Integer.MAX_VALUE).ids()).containsExactlyInAnyOrderElementsOf(read(shuffled).ids());
    }
  }

  @Test
  void corruptShardFailsNamingIt() throws Exception {
    ShardEntry shard = formatShards().get(1);
    int index = manifest().shards().indexOf(shard);
    byte[] bytes = new byte[(int) shard.bytes()];
    try (ObjectInput input = store().open(shard.key())) {
      input.readFully(0, bytes, 0, bytes.length);
    }
    String corruptName = "corrupt-" + manifest().featureSet();
    var corruptKey = io.featurestore.api.storage.ObjectKey.of(shard.key().path() + ".corrupt"); // other tests keep the good shard
    for (int i = 100; i < 5000; i++) {
      bytes[i] ^= 0x5A;
    }
    store().put(corruptKey, bytes);
    List<ShardEntry> shards = new ArrayList<>(manifest().shards());
    shards.set(index, new ShardEntry(corruptKey, shard.format(), shard.rows(), shard.bytes(), shard.crc32c(),
        shard.minEventTime(), shard.maxEventTime(), shard.partition(), shard.addedBy(), shard.compression(), shard.blocks()));
    SnapshotManifest m = manifest();
    SnapshotManifest corrupt = new SnapshotManifest(m.formatVersion(), corruptName, m.version(), m.snapshotId(), m.sequenceNumber(),
        m.parentSnapshotId(), m.operation(), m.committedAt(), m.schema(), m.rowCount(), m.byteCount(), shards);
    assertThatThrownBy(() -> {
      try (SnapshotStream stream = open(corrupt, shards(), ReadOptions.ordered(), null, 1 << 20)) {
        drain(stream, Integer.MAX_VALUE);
      }
    }).isInstanceOfSatisfying(FeatureStoreException.class, e -> {
      // Page or record checksums catch it when reading from the bucket; the whole-shard CRC32C when caching.
      assertThat(e.code()).isIn("malformed-parquet", "corrupt-record", "corrupt-shard");
      assertThat(e.getMessage()).contains(corruptKey.path());
      if (e.code().equals("corrupt-record")) {
        assertThat(e.getMessage()).containsPattern("at byte (offset )?\\d+"); // where in the shard
      }
    });
  }
}
