package io.featurestore.client.read;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.schema.ShardFormat;
import java.time.Instant;
import java.util.List;

/**
 * How to read a snapshot. Immutable; start from {@link #ordered()} (batch inference: snapshot order,
 * every row exactly once across workers) or {@link #shuffled(long)} (training: deterministic shuffle
 * per epoch, equal sample counts on every worker) and refine with the {@code with...} methods.
 *
 * @param columns columns to read, in batch order; empty for all. Only their bytes are fetched.
 * @param eventTimeFrom keep rows with event time at or after this instant; null for no lower bound
 * @param eventTimeTo keep rows with event time before this instant; null for no upper bound
 * @param batchRows rows per batch
 * @param shuffle training order when true, snapshot order when false
 * @param seed shuffle seed; with the epoch it fixes the order
 * @param shuffleBlockRows rows shuffled together (the shuffle buffer); blocks are whole row groups, so
 *     a block holds at least this many rows and memory holds about one block per worker
 * @param epochs passes over the data; each epoch has its own order
 * @param rank this worker's index, 0 .. worldSize - 1
 * @param worldSize number of workers reading the snapshot together
 * @param remainder shuffled reads only: what happens to the rows that do not divide evenly among workers
 * @param format the shard format to read; null for Parquet when the snapshot has it, else TFRecord
 * @param rawRecords TFRecord only: deliver each record as it is stored (a serialized {@code
 *     tf.train.Example}, for TensorFlow-style consumers) in one binary column {@code record}, instead
 *     of decoded columns; every feature is in it, so no columns can be chosen
 * @param parallelism most units this read loads at once, ahead of the consumer; 0 for the
 *     client's parallelism (its read threads, shared by its streams)
 * @param memoryBudget bytes of loaded units this read holds ahead of the consumer; 0 for the
 *     client's memory budget
 */
public record ReadOptions(
    List<String> columns,
    Instant eventTimeFrom,
    Instant eventTimeTo,
    int batchRows,
    boolean shuffle,
    long seed,
    long shuffleBlockRows,
    int epochs,
    int rank,
    int worldSize,
    Remainder remainder,
    ShardFormat format,
    boolean rawRecords,
    int parallelism,
    long memoryBudget) {
  public static final int DEFAULT_BATCH_ROWS = 8192;
  public static final long DEFAULT_SHUFFLE_BLOCK_ROWS = 262_144;

  /**
   * Balancing of a shuffled read across workers. Every worker gets the same number of samples, so
   * the same number of batches, so distributed training does not wait on one worker at an epoch's end.
   */
  public enum Remainder {
    /** Each worker gets floor(rows / worldSize) samples; up to worldSize - 1 rows are left out of the epoch. */
    DROP,
    /** Each worker gets ceil(rows / worldSize) samples; the last ones repeat rows from the start of the order. */
    PAD
  }

  public ReadOptions {
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    requireNonNull(remainder, "remainder is null");
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be positive, got " + batchRows);
    }
    if (shuffleBlockRows < 1 || epochs < 1) {
      throw new IllegalArgumentException("shuffleBlockRows and epochs must be positive: " + shuffleBlockRows + ", " + epochs);
    }
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank must be in 0.." + (worldSize - 1) + ", got rank " + rank + " of " + worldSize);
    }
    if (eventTimeFrom != null && eventTimeTo != null && !eventTimeFrom.isBefore(eventTimeTo)) {
      throw new IllegalArgumentException("eventTimeFrom " + eventTimeFrom + " is not before eventTimeTo " + eventTimeTo);
    }
    if (parallelism < 0 || memoryBudget < 0) {
      throw new IllegalArgumentException(
          "parallelism and memoryBudget must not be negative (0: the client's): " + parallelism + ", " + memoryBudget);
    }
    if (rawRecords && (format == ShardFormat.PARQUET || !columns.isEmpty())) {
      throw new IllegalArgumentException(
          "raw records are whole TFRecord Examples: they cannot be read from " + format + " shards or projected to " + columns);
    }
  }

  /** Snapshot order, all columns, one epoch, one worker. */
  public static ReadOptions ordered() {
    return new ReadOptions(List.of(), null, null, DEFAULT_BATCH_ROWS, false, 0, DEFAULT_SHUFFLE_BLOCK_ROWS, 1, 0, 1, Remainder.DROP, null, false, 0, 0);
  }

  /** Shuffled with the seed, all columns, one epoch, one worker, remainder dropped. */
  public static ReadOptions shuffled(long seed) {
    return new ReadOptions(List.of(), null, null, DEFAULT_BATCH_ROWS, true, seed, DEFAULT_SHUFFLE_BLOCK_ROWS, 1, 0, 1, Remainder.DROP, null, false, 0, 0);
  }

  public ReadOptions withColumns(List<String> columns) {
    return new ReadOptions(columns, eventTimeFrom, eventTimeTo, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, format, rawRecords, parallelism, memoryBudget);
  }

  /** Rows with event time in [from, to); either may be null. */
  public ReadOptions withEventTimeRange(Instant from, Instant to) {
    return new ReadOptions(columns, from, to, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, format, rawRecords, parallelism, memoryBudget);
  }

  public ReadOptions withBatchRows(int batchRows) {
    return new ReadOptions(columns, eventTimeFrom, eventTimeTo, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, format, rawRecords, parallelism, memoryBudget);
  }

  public ReadOptions withShuffleBlockRows(long shuffleBlockRows) {
    return new ReadOptions(columns, eventTimeFrom, eventTimeTo, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, format, rawRecords, parallelism, memoryBudget);
  }

  public ReadOptions withEpochs(int epochs) {
    return new ReadOptions(columns, eventTimeFrom, eventTimeTo, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, format, rawRecords, parallelism, memoryBudget);
  }

  /** This worker's part: rank {@code rank} of {@code worldSize} workers. */
  public ReadOptions withWorker(int rank, int worldSize) {
    return new ReadOptions(columns, eventTimeFrom, eventTimeTo, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, format, rawRecords, parallelism, memoryBudget);
  }

  public ReadOptions withRemainder(Remainder remainder) {
    return new ReadOptions(columns, eventTimeFrom, eventTimeTo, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, format, rawRecords, parallelism, memoryBudget);
  }

  /** Reads the snapshot's shards in this format (it must have a complete set of them). */
  public ReadOptions withFormat(ShardFormat format) {
    return new ReadOptions(columns, eventTimeFrom, eventTimeTo, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, format, rawRecords, parallelism, memoryBudget);
  }

  /** At most {@code parallelism} units of this read loading at once (0: the client's parallelism). */
  public ReadOptions withParallelism(int parallelism) {
    return new ReadOptions(columns, eventTimeFrom, eventTimeTo, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, format, rawRecords, parallelism, memoryBudget);
  }

  /** At most {@code memoryBudget} bytes of loaded units held ahead of the consumer (0: the client's budget). */
  public ReadOptions withMemoryBudget(long memoryBudget) {
    return new ReadOptions(columns, eventTimeFrom, eventTimeTo, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, format, rawRecords, parallelism, memoryBudget);
  }

  /** Reads the TFRecord shards' records as they are stored, in one binary column {@code record}. */
  public ReadOptions withRawRecords() {
    return new ReadOptions(columns, eventTimeFrom, eventTimeTo, batchRows, shuffle, seed, shuffleBlockRows, epochs, rank, worldSize, remainder, ShardFormat.TFRECORD, true, parallelism, memoryBudget);
  }

  /**
   * What a resumed read must share with the read it continues: everything that decides which rows
   * come in which order (not the batch size or the columns).
   */
  String orderKey() {
    return "from=" + eventTimeFrom + ";to=" + eventTimeTo + ";shuffle=" + shuffle + ";seed=" + seed + ";block="
        + shuffleBlockRows + ";rank=" + rank + ";world=" + worldSize + ";remainder=" + remainder;
  }

  /** Rows one worker reads per epoch out of {@code total}. */
  long workerRows(long total) {
    if (!shuffle) {
      return workerStart(total, rank + 1) - workerStart(total, rank);
    }
    return remainder == Remainder.DROP ? total / worldSize : (total + worldSize - 1) / worldSize;
  }

  /** Global position of this worker's first row: workers' ranges are contiguous and in rank order. */
  long workerStart(long total) {
    return shuffle ? rank * workerRows(total) : workerStart(total, rank);
  }

  /** Unshuffled split: every row exactly once, sizes differing by at most one. */
  private long workerStart(long total, int r) {
    return Math.multiplyExact(total, r) / worldSize;
  }
}
