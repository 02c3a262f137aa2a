package io.featurestore.api.schema;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.FeatureStoreException;
import java.util.EnumSet;
import java.util.Set;

/**
 * How a feature set's snapshots are written.
 *
 * @param formats shard formats to write, at least one; with several, every snapshot holds each
 *     format's complete shard set (the same rows), committed together
 * @param targetShardBytes a shard is closed once it reaches this size; see {@link #MIN_SHARD_BYTES}
 * @param compression codec for Parquet pages
 * @param partitioning optional grouping of shards by event date
 * @param tfrecordCompression {@link Compression#NONE} or {@link Compression#GZIP} for TFRecord shards
 */
public record StorageOptions(
    Set<ShardFormat> formats, long targetShardBytes, Compression compression, Partitioning partitioning,
    Compression tfrecordCompression) {
  public static final long MIB = 1024L * 1024;
  /** Default target shard size: 128 MiB. */
  public static final long DEFAULT_SHARD_BYTES = 128 * MIB;
  /** Smallest target accepted in production: big shards keep object-store request counts low. */
  public static final long MIN_SHARD_BYTES = 100 * MIB;
  /**
   * Largest target accepted: an S3 multipart upload has at most 10,000 parts, and parts may be as
   * small as 5 MiB (about 48 GiB in all); this leaves room for a shard's last row group.
   */
  public static final long MAX_SHARD_BYTES = 16 * 1024 * MIB;

  public StorageOptions {
    requireNonNull(formats, "formats is null");
    requireNonNull(compression, "compression is null");
    requireNonNull(partitioning, "partitioning is null");
    requireNonNull(tfrecordCompression, "tfrecordCompression is null");
    if (formats.isEmpty()) {
      throw FeatureStoreException.invalid("invalid-storage", "storage.formats must name at least one format");
    }
    formats = Set.copyOf(formats);
    if (targetShardBytes <= 0) {
      throw FeatureStoreException.invalid(
          "invalid-storage", "storage.targetShardBytes must be positive, got " + targetShardBytes);
    }
    if (tfrecordCompression != Compression.NONE && tfrecordCompression != Compression.GZIP) {
      throw FeatureStoreException.invalid(
          "invalid-storage", "storage.tfrecordCompression must be NONE or GZIP (what TensorFlow reads), got " + tfrecordCompression);
    }
  }

  /** Options with uncompressed TFRecord shards (if any are written). */
  public StorageOptions(Set<ShardFormat> formats, long targetShardBytes, Compression compression, Partitioning partitioning) {
    this(formats, targetShardBytes, compression, partitioning, Compression.NONE);
  }

  public static StorageOptions defaults() {
    return new StorageOptions(
        EnumSet.of(ShardFormat.PARQUET), DEFAULT_SHARD_BYTES, Compression.SNAPPY, Partitioning.NONE, Compression.NONE);
  }

  /** The compression of this feature set's shards in {@code format}. */
  public Compression compression(ShardFormat format) {
    return format == ShardFormat.TFRECORD ? tfrecordCompression : compression;
  }

  /**
   * Rejects a target above {@link #MAX_SHARD_BYTES}, or below {@link #MIN_SHARD_BYTES} unless
   * {@code minimumShardBytes} (a server setting meant for tests and development) allows smaller ones.
   */
  public StorageOptions checkShardSize(long minimumShardBytes) {
    if (targetShardBytes > MAX_SHARD_BYTES) {
      throw FeatureStoreException.invalid(
          "invalid-storage",
          "storage.targetShardBytes " + targetShardBytes + " is above the maximum of " + MAX_SHARD_BYTES
              + " bytes (an S3 upload has at most 10,000 parts)");
    }
    if (targetShardBytes < minimumShardBytes) {
      throw FeatureStoreException.invalid(
          "invalid-storage",
          "storage.targetShardBytes " + targetShardBytes + " is below the minimum of " + minimumShardBytes
              + " bytes");
    }
    return this;
  }
}
