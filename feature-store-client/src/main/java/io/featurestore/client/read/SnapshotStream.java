package io.featurestore.client.read;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.client.shards.ShardSource;
import io.featurestore.client.read.ReadPlan.Unit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A worker's stream of batches from one snapshot, read straight from the bucket: units (Parquet row
 * groups or TFRecord blocks) are fetched and decoded in parallel ahead of the consumer within a
 * memory budget, then their rows are delivered in the order {@link SampleOrder} fixes for the worker.
 * The snapshot is read in one of its formats ({@link ReadOptions#format()}); a TFRecord read can
 * deliver the raw records ({@link ReadOptions#rawRecords()}).
 *
 * <p>Use: {@code while (stream.next()) { VectorSchemaRoot batch = stream.batch(); ... }}. The stream
 * owns the batch and refills it on every {@link #next()}; it is valid until then (transfer its
 * vectors to keep them longer). A batch never spans two epochs; {@link #epoch()} says which one it
 * belongs to. {@link #state()} after a batch is the position to resume from. Not thread-safe: one
 * consumer thread. Closing it frees every buffer it holds.
 *
 * <p>Errors are {@link FeatureStoreException}s: a corrupt shard is {@code malformed-parquet} naming
 * the shard, or {@code corrupt-record} / {@code malformed-example} naming the TFRecord shard and
 * byte offset; an unreachable bucket is kind {@code UNAVAILABLE} (after the store's own retries).
 */
public final class SnapshotStream implements AutoCloseable {
  private final SnapshotManifest manifest;
  private final ReadOptions options;
  private final ReadPlan plan;
  private final long[] unitRows;
  private final UnitLoader loader;
  private final ExecutorService pool;
  private final long memoryBudget;
  private final BufferAllocator allocator;
  private final VectorSchemaRoot batch;
  private final int[] batchShard;
  private final long[] batchRow;
  private final String orderKey;

  private int epoch;
  /** Samples of this worker delivered in the epoch, up to the end of the current batch. */
  private long position;
  private SampleOrder order;
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private UnitPrefetcher prefetcher;
  private Block block;
  private boolean finished;
  private boolean closed;
  /** What made {@link #next()} fail; the stream's cursors are past the failed batch, so it stops there. */
  private RuntimeException failure;

  /** Positions {@code [from, to)} of a block's row order that this worker takes. */
  private static final class Segment {
    final int block;
    long cursor;
    final long to;

    Segment(int block, long from, long to) {
      this.block = block;
      this.cursor = from;
      this.to = to;
    }
  }

  /** The loaded units of one block, their rows concatenated. */
  private record Block(int index, Unit[] units, VectorSchemaRoot[] roots, long[] offsets, int[] rowOrder) {}

  /**
   * Opens a stream; reads the shards' footers (in parallel) to plan, but no data yet.
   *
   * @param resume a state from {@link #state()} of an earlier stream over the same snapshot with the
   *     same ordering options, or null to start at the beginning
   * @param allocator parent of this stream's memory; the stream makes and closes a child of it
   * @param memoryBudget bytes of loaded units held ahead of the consumer, unless the options set their own
   */
  public SnapshotStream(
      SnapshotManifest manifest, ShardSource shards, ReadOptions options, ReaderState resume, ExecutorService pool,
      BufferAllocator allocator, long memoryBudget) {
    this.manifest = requireNonNull(manifest, "manifest is null");
    this.options = requireNonNull(options, "options is null");
    this.pool = requireNonNull(pool, "pool is null");
    this.memoryBudget = options.memoryBudget() > 0 ? options.memoryBudget() : memoryBudget;
    ShardFormat format = format(manifest, options);
    this.orderKey = options.orderKey() + ";format=" + format;
    this.allocator = allocator.newChildAllocator("snapshot-" + manifest.snapshotId(), 0, Long.MAX_VALUE);
    VectorSchemaRoot created = null;
    try {
      ShardUnits units = ShardUnits.of(format, manifest, shards, options.columns(), options.rawRecords(), this.allocator);
      ShardUnits eventTimes =
          ShardUnits.of(format, manifest, shards, List.of(manifest.schema().eventTimestamp()), false, this.allocator);
      this.loader = new UnitLoader(manifest, units, this.allocator);
      this.plan = ReadPlan.build(manifest, format, units, eventTimes, options, pool);
      this.unitRows = plan.unitRows();
      created = VectorSchemaRoot.create(units.schema(), this.allocator);
      this.batch = created;
      this.batchShard = new int[options.batchRows()];
      this.batchRow = new long[options.batchRows()];
      if (resume != null) {
        checkResumable(resume);
        epoch = resume.epoch();
        position = resume.position();
      }
      startEpoch();
    } catch (RuntimeException e) {
      if (created != null) {
        created.close();
      }
      try {
        this.allocator.close();
      } catch (RuntimeException leak) {
        e.addSuppressed(leak); // the cause comes first
      }
      throw e;
    }
  }

  /** The format the read asks for, or Parquet when the snapshot has it, else TFRecord. */
  private static ShardFormat format(SnapshotManifest manifest, ReadOptions options) {
    Set<ShardFormat> complete = manifest.formats();
    ShardFormat wanted = options.format();
    if (wanted == null) {
      wanted = complete.contains(ShardFormat.PARQUET) ? ShardFormat.PARQUET : ShardFormat.TFRECORD;
    }
    if (!complete.contains(wanted)) {
      throw FeatureStoreException.invalid(
          "format-not-in-snapshot",
          "snapshot " + manifest.snapshotId() + " of '" + manifest.featureSet() + "' has no complete " + wanted
              + " shard set; it can be read as " + complete);
    }
    return wanted;
  }

  private void checkResumable(ReaderState state) {
    if (!state.snapshotId().equals(manifest.snapshotId()) || !state.orderKey().equals(orderKey)) {
      throw FeatureStoreException.invalid(
          "invalid-resume-state",
          "the state is of snapshot " + state.snapshotId() + " read with [" + state.orderKey() + "]; this stream reads "
              + manifest.snapshotId() + " with [" + orderKey + "]");
    }
    if (state.epoch() >= options.epochs()) {
      throw FeatureStoreException.invalid(
          "invalid-resume-state", "the state is in epoch " + state.epoch() + " but the read has " + options.epochs());
    }
  }

  /** Plans the current epoch from {@link #position} on and starts loading its units. */
  private void startEpoch() {
    closeEpoch();
    order = new SampleOrder(unitRows, options.shuffle(), options.seed(), epoch, options.shuffleBlockRows());
    long total = order.totalRows();
    long rows = options.workerRows(total);
    long start = options.workerStart(total);
    List<Unit> sequence = new ArrayList<>();
    for (long p = position; p < rows; ) {
      long global = (start + p) % total; // only a padded read wraps around
      int b = order.blockOf(global);
      long offset = global - order.blockStart(b);
      long take = Math.min(rows - p, order.blockRows(b) - offset);
      Segment last = segments.peekLast();
      segments.add(new Segment(b, offset, offset + take));
      if (last == null || last.block != b) { // a padded read of one block wraps into the block it holds
        for (int u : order.blockUnits(b)) {
          sequence.add(plan.units().get(u));
        }
      }
      p += take;
    }
    prefetcher = new UnitPrefetcher(
        sequence, loader, pool, memoryBudget, options.parallelism() > 0 ? options.parallelism() : Integer.MAX_VALUE);
  }

  /**
   * Loads the next batch. Shuffled reads fill every batch but an epoch's last; ordered reads pass
   * row groups on without copying, so their batches also end where a row group ends.
   *
   * @return false once every epoch is read
   */
  public boolean next() {
    if (closed) {
      throw new IllegalStateException("the stream is closed");
    }
    if (failure != null) {
      throw new IllegalStateException("the stream failed; open a new one from state() to go on", failure);
    }
    try {
      return fill();
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    }
  }

  private boolean fill() {
    for (FieldVector vector : batch.getFieldVectors()) {
      if (options.shuffle()) {
        vector.reset(); // gathered into again
      } else {
        // Slices of a unit's buffers: zeroing them would also clear validity bits of the rows after
        // the batch that share its last bitmap byte. Let go of them instead.
        vector.clear();
      }
    }
    int rows = 0;
    while (rows < options.batchRows() && !finished) {
      Segment segment = segments.peek();
      if (segment == null) {
        if (rows > 0) {
          break; // a batch ends with its epoch
        }
        if (epoch + 1 >= options.epochs()) {
          finished = true;
          break;
        }
        epoch++;
        position = 0;
        startEpoch();
        continue;
      }
      Block current = blockFor(segment.block);
      int n = (int) Math.min(options.batchRows() - rows, segment.to - segment.cursor);
      if (options.shuffle()) {
        gather(current, segment, rows, n);
      } else {
        slice(current, segment, n);
      }
      segment.cursor += n;
      rows += n;
      if (segment.cursor == segment.to) {
        segments.poll();
      }
      if (!options.shuffle()) {
        break;
      }
    }
    for (FieldVector vector : batch.getFieldVectors()) {
      vector.setValueCount(rows);
    }
    batch.setRowCount(rows);
    position += rows; // only now: a batch that fails half-way leaves the state before it
    return rows > 0;
  }

  /** Ordered: rows of one unit handed over as slices of its buffers. */
  private void slice(Block current, Segment segment, int n) {
    int start = (int) segment.cursor; // in ordered reads a block is one unit
    VectorSchemaRoot from = current.roots()[0];
    for (int c = 0; c < batch.getFieldVectors().size(); c++) {
      from.getVector(c).makeTransferPair(batch.getVector(c)).splitAndTransfer(start, n);
    }
    Unit unit = current.units()[0];
    for (int i = 0; i < n; i++) {
      batchShard[i] = unit.shard();
      batchRow[i] = unit.firstRow() + (unit.selection() == null ? start + i : unit.selection()[start + i]);
    }
  }

  /** Shuffled: rows picked from the block's units in the block's order, copied column by column. */
  private void gather(Block current, Segment segment, int at, int n) {
    int[] units = new int[n];
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      int local = current.rowOrder()[(int) (segment.cursor + i)];
      int u = Arrays.binarySearch(current.offsets(), local);
      u = u >= 0 ? u : -u - 2;
      units[i] = u;
      rows[i] = (int) (local - current.offsets()[u]);
      Unit unit = current.units()[u];
      batchShard[at + i] = unit.shard();
      batchRow[at + i] = unit.firstRow() + (unit.selection() == null ? rows[i] : unit.selection()[rows[i]]);
    }
    FieldVector[] sources = new FieldVector[current.roots().length];
    for (int c = 0; c < batch.getFieldVectors().size(); c++) {
      for (int u = 0; u < sources.length; u++) {
        sources[u] = current.roots()[u].getVector(c);
      }
      Gather.copy(batch.getVector(c), sources, units, rows, at, n);
    }
  }

  private Block blockFor(int index) {
    if (block != null && block.index() == index) {
      return block;
    }
    releaseBlock();
    int[] unitIndexes = order.blockUnits(index);
    Unit[] units = new Unit[unitIndexes.length];
    VectorSchemaRoot[] roots = new VectorSchemaRoot[unitIndexes.length];
    long[] offsets = new long[unitIndexes.length];
    long offset = 0;
    for (int i = 0; i < unitIndexes.length; i++) {
      units[i] = plan.units().get(unitIndexes[i]);
      offsets[i] = offset;
      offset += units[i].rows();
    }
    block = new Block(index, units, roots, offsets, order.rowOrder(index));
    for (int i = 0; i < units.length; i++) {
      roots[i] = prefetcher.take(); // roots of a failed take stay null and are skipped on release
    }
    return block;
  }

  private void releaseBlock() {
    if (block == null) {
      return;
    }
    for (int i = 0; i < block.roots().length; i++) {
      if (block.roots()[i] != null) {
        block.roots()[i].close();
        prefetcher.release(block.units()[i]);
      }
    }
    block = null;
  }

  /** The current batch; owned by the stream, refilled by {@link #next()}. */
  public VectorSchemaRoot batch() {
    return batch;
  }

  /** The epoch of the current batch, from 0. */
  public int epoch() {
    return epoch;
  }

  /** A plain-Java view of row {@code index} of the current batch. */
  public Row row(int index) {
    return new Row(batch, index);
  }

  /** Index in the manifest's shard list of the shard that row {@code index} of the current batch came from. */
  public int shardOf(int index) {
    return batchShard[index];
  }

  /** Index within its shard of row {@code index} of the current batch: with {@link #shardOf}, where to join predictions back. */
  public long rowInShard(int index) {
    return batchRow[index];
  }

  /** Where the stream stands after the current batch; pass it to a new stream to continue from here. */
  public ReaderState state() {
    return new ReaderState(manifest.snapshotId(), orderKey, epoch, position);
  }

  /** Rows this worker reads per epoch. */
  public long rowsPerEpoch() {
    return options.workerRows(order.totalRows());
  }

  private void closeEpoch() {
    releaseBlock();
    segments.clear();
    if (prefetcher != null) {
      prefetcher.close();
      prefetcher = null;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      closeEpoch();
      batch.close();
    } finally {
      allocator.close();
    }
  }
}
