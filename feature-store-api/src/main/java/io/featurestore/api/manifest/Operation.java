package io.featurestore.api.manifest;

/** What a snapshot did to the data visible in its parent. */
public enum Operation {
  /** The parent's shards plus new ones. */
  APPEND,
  /** Only the new shards; the parent's data is no longer part of the latest state. */
  OVERWRITE
}
