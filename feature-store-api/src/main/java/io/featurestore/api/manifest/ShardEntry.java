package io.featurestore.api.manifest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.storage.ObjectKey;
import java.time.Instant;
import java.util.List;

/**
 * One data object of a snapshot.
 *
 * @param key object key relative to the store root (the bucket and its configured prefix)
 * @param format file format
 * @param rows number of rows
 * @param bytes object length in bytes
 * @param crc32c CRC32C of the whole object, 8 lower-case hex digits; null for registered shards
 *     whose writer did not supply one
 * @param minEventTime smallest event timestamp in the shard (null when it has no rows)
 * @param maxEventTime largest event timestamp in the shard (null when it has no rows)
 * @param partition the partition value (an event date {@code YYYY-MM-DD}), or null when unpartitioned
 * @param addedBy id of the snapshot that wrote this shard
 * @param compression TFRecord only: {@link Compression#NONE} or {@link Compression#GZIP}; null for
 *     Parquet, whose pages name their own codec
 * @param blocks TFRecord only: where each block of records starts, in order; empty for Parquet,
 *     whose footer describes its row groups
 */
public record ShardEntry(
    ObjectKey key,
    ShardFormat format,
    long rows,
    long bytes,
    String crc32c,
    Instant minEventTime,
    Instant maxEventTime,
    String partition,
    String addedBy,
    @JsonInclude(JsonInclude.Include.NON_NULL) Compression compression,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ShardBlock> blocks) {
  public ShardEntry {
    requireNonNull(key, "key is null");
    requireNonNull(format, "format is null");
    requireNonNull(addedBy, "addedBy is null");
    if (rows < 0 || bytes < 0) {
      throw new IllegalArgumentException("rows and bytes must not be negative: " + rows + ", " + bytes);
    }
    blocks = blocks == null ? List.of() : List.copyOf(blocks);
    if (format == ShardFormat.TFRECORD && (compression == null || blocks.stream().mapToLong(ShardBlock::rows).sum() != rows)) {
      throw new IllegalArgumentException(
          "TFRecord shard " + key + " needs its compression and blocks covering its " + rows + " rows");
    }
  }

  /** A Parquet shard. */
  public ShardEntry(
      ObjectKey key, ShardFormat format, long rows, long bytes, String crc32c, Instant minEventTime, Instant maxEventTime,
      String partition, String addedBy) {
    this(key, format, rows, bytes, crc32c, minEventTime, maxEventTime, partition, addedBy, null, List.of());
  }
}
