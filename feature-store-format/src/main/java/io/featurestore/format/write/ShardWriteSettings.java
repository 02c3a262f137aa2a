package io.featurestore.format.write;

/**
 * Memory-relevant settings of shard writing. Each open Parquet shard buffers about one row group,
 * so memory is bounded by {@code rowGroupBytes * maxOpenPartitions} per format plus the object
 * store's part buffers; TFRecord shards stream their records and buffer nothing of their own.
 *
 * @param rowGroupBytes target size of a Parquet row group, and of a TFRecord block (uncompressed):
 *     the unit a reader fetches and decodes on its own
 * @param pageBytes target Parquet page size
 * @param maxOpenPartitions shards open at once per format when partitioning by event date; the
 *     least recently written one is closed (as a smaller shard) when another partition needs one
 */
public record ShardWriteSettings(long rowGroupBytes, int pageBytes, int maxOpenPartitions) {
  public ShardWriteSettings {
    if (rowGroupBytes < 1024 * 1024 || pageBytes < 4096 || maxOpenPartitions < 1) {
      throw new IllegalArgumentException(
          "rowGroupBytes must be >= 1 MiB, pageBytes >= 4 KiB, maxOpenPartitions >= 1: "
              + rowGroupBytes + ", " + pageBytes + ", " + maxOpenPartitions);
    }
  }

  public static ShardWriteSettings defaults() {
    return new ShardWriteSettings(64L * 1024 * 1024, 1024 * 1024, 4);
  }
}
