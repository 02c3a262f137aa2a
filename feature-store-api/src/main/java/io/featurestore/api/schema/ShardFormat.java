package io.featurestore.api.schema;

/** File formats a snapshot's shards can be written in. */
public enum ShardFormat {
  PARQUET("parquet");

  private final String extension;

  ShardFormat(String extension) {
    this.extension = extension;
  }

  /** File-name extension of shards in this format, without the dot. */
  public String extension() {
    return extension;
  }
}
