package io.featurestore.api.schema;

/** File formats a snapshot's shards can be written in. */
public enum ShardFormat {
  /** Apache Parquet: columnar, read by column projection and row-group statistics. */
  PARQUET("parquet"),
  /** TFRecord files of {@code tf.train.Example}, as TensorFlow reads them; see {@code docs/formats.md}. */
  TFRECORD("tfrecord");

  private final String extension;

  ShardFormat(String extension) {
    this.extension = extension;
  }

  /** File-name extension of shards in this format, without the dot. */
  public String extension() {
    return extension;
  }
}
