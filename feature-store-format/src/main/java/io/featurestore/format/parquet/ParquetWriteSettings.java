package io.featurestore.format.parquet;

/**
 * Memory-relevant settings of shard writing. Each open shard buffers about one row group, so memory
 * is bounded by {@code rowGroupBytes * maxOpenPartitions} plus the object store's part buffers.
 *
 * @param rowGroupBytes target row-group size; Parquet buffers one row group per open shard
 * @param pageBytes target page size
 * @param maxOpenPartitions shards open at once when partitioning by event date; the least recently
 *     written one is closed (as a smaller shard) when another partition needs a writer
 */
public record ParquetWriteSettings(long rowGroupBytes, int pageBytes, int maxOpenPartitions) {
  public ParquetWriteSettings {
    if (rowGroupBytes < 1024 * 1024 || pageBytes < 4096 || maxOpenPartitions < 1) {
      throw new IllegalArgumentException(
          "rowGroupBytes must be >= 1 MiB, pageBytes >= 4 KiB, maxOpenPartitions >= 1: "
              + rowGroupBytes + ", " + pageBytes + ", " + maxOpenPartitions);
    }
  }

  public static ParquetWriteSettings defaults() {
    return new ParquetWriteSettings(64L * 1024 * 1024, 1024 * 1024, 4);
  }
}
