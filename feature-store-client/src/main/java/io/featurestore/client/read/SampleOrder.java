package io.featurestore.client.read;

import java.util.Arrays;

/**
 * The order of a snapshot's rows in one epoch, computed from row counts alone, so that every worker
 * derives the same global order without coordination and without reading data.
 *
 * <p>The snapshot is a sequence of units (row groups, after filtering) holding {@code unitRows[u]}
 * rows. Shuffled: the units are permuted (seeded by seed and epoch), then grouped, in that order,
 * into blocks of whole units holding at least {@code blockRows} rows; the rows of each block are
 * permuted (seeded by seed, epoch and block). Concatenating the blocks gives the global order; a
 * block is what a worker holds in memory to shuffle (the shuffle buffer). Unshuffled: units and rows
 * in snapshot order, one block per unit.
 *
 * <p>Worker {@code rank} of {@code worldSize} takes the contiguous range {@code [rank * n, rank * n
 * + n)} of the global order, so the concatenation of all workers' samples is the global order
 * whatever the number of workers. See {@link ReadOptions} for how {@code n} is chosen.
 */
final class SampleOrder {
  private final long[] unitRows;
  private final int[] unitOrder;
  /** Index in {@link #unitOrder} of each block's first unit, plus one entry past the end. */
  private final int[] blockFirstUnit;
  /** Global position of each block's first row, plus the total. */
  private final long[] blockStart;
  private final long seed;
  private final int epoch;
  private final boolean shuffled;

  SampleOrder(long[] unitRows, boolean shuffled, long seed, int epoch, long blockRows) {
    this.unitRows = unitRows.clone();
    this.shuffled = shuffled;
    this.seed = seed;
    this.epoch = epoch;
    this.unitOrder = shuffled ? permutation(unitRows.length, mix(seed, epoch, -1)) : identity(unitRows.length);
    int[] firstUnit = new int[unitRows.length + 1];
    long[] start = new long[unitRows.length + 1];
    int blocks = 0;
    long position = 0;
    long inBlock = 0;
    for (int i = 0; i < unitOrder.length; i++) {
      if (i == 0 || !shuffled || inBlock >= blockRows) {
        firstUnit[blocks] = i;
        start[blocks] = position;
        blocks++;
        inBlock = 0;
      }
      long rows = unitRows[unitOrder[i]];
      position += rows;
      inBlock += rows;
    }
    firstUnit[blocks] = unitOrder.length;
    start[blocks] = position;
    this.blockFirstUnit = Arrays.copyOf(firstUnit, blocks + 1);
    this.blockStart = Arrays.copyOf(start, blocks + 1);
  }

  /** Rows in the epoch. */
  long totalRows() {
    return blockStart[blockStart.length - 1];
  }

  int blockCount() {
    return blockStart.length - 1;
  }

  /** The block holding global position {@code position}. */
  int blockOf(long position) {
    int i = Arrays.binarySearch(blockStart, position); // block starts are strictly increasing: units are never empty
    return i >= 0 ? i : -i - 2;
  }

  long blockStart(int block) {
    return blockStart[block];
  }

  long blockRows(int block) {
    return blockStart[block + 1] - blockStart[block];
  }

  /** The units of a block, in the order their rows are concatenated. */
  int[] blockUnits(int block) {
    return Arrays.copyOfRange(unitOrder, blockFirstUnit[block], blockFirstUnit[block + 1]);
  }

  /**
   * For each position in the block, the index (into the block's concatenated rows) of the row that
   * comes there. The identity when unshuffled.
   */
  int[] rowOrder(int block) {
    int rows = Math.toIntExact(blockRows(block));
    return shuffled ? permutation(rows, mix(seed, epoch, block)) : identity(rows);
  }

  long unitRows(int unit) {
    return unitRows[unit];
  }

  /** Seeds that differ in any input differ everywhere (SplitMix64 finalizer over the inputs). */
  private static long mix(long seed, int epoch, int block) {
    long h = SplitMix64.finalize(seed ^ 0x9E3779B97F4A7C15L);
    h = SplitMix64.finalize(h ^ epoch);
    return SplitMix64.finalize(h ^ block);
  }

  /** A uniformly random permutation (Fisher-Yates) from a fixed generator: the same on every JVM. */
  private static int[] permutation(int n, long seed) {
    int[] p = identity(n);
    SplitMix64 random = new SplitMix64(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  /**
   * SplitMix64 (Steele, Lea, Flood 2014), spelled out here rather than taken from {@code
   * java.util.SplittableRandom} so that the order is fixed by this file, not by a JDK version.
   */
  static final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
      this.state = seed;
    }

    long nextLong() {
      state += 0x9E3779B97F4A7C15L;
      return finalize(state);
    }

    /** Uniform in [0, bound), by rejection so that no value is favoured. */
    int nextInt(int bound) {
      long limit = (1L << 32) - ((1L << 32) % bound);
      long r;
      do {
        r = nextLong() >>> 32;
      } while (r >= limit);
      return (int) (r % bound);
    }

    static long finalize(long z) {
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }
}
