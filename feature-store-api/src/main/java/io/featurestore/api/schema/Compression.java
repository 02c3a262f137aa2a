package io.featurestore.api.schema;

/**
 * Compression codec applied to shard data. Parquet shards compress their pages with any of them;
 * TFRecord shards are either uncompressed or GZIP (the two TensorFlow reads without options beyond
 * {@code compression_type="GZIP"}).
 */
public enum Compression {
  ZSTD,
  SNAPPY,
  GZIP,
  NONE
}
