package io.featurestore.api.schema;

/** Compression codec applied to shard data. */
public enum Compression {
  ZSTD,
  SNAPPY,
  NONE
}
