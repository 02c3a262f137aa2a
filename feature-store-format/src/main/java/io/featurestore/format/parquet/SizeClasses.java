package io.featurestore.format.parquet;

/**
 * Size classes of recycled blocks: 1, 1.25, 1.5 or 1.75 times a power of two. Buffers for units of
 * slightly different sizes (a shard's last row group, row groups rolled by bytes) rarely meet again
 * at their exact sizes; a class wastes at most a fifth of a block, and only pages written take memory.
 */
public final class SizeClasses {
  private SizeClasses() {}

  /** The least of 1, 1.25, 1.5 or 1.75 times a power of two that holds {@code size} bytes. */
  public static long sizeClass(long size) {
    long power = Long.highestOneBit(size);
    if (power == size) {
      return size;
    }
    long quarter = power / 4;
    return power + (size - power + quarter - 1) / quarter * quarter;
  }
}
