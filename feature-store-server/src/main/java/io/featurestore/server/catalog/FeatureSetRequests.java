package io.featurestore.server.catalog;

import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.Partitioning;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import java.util.List;
import java.util.Set;

/** Request bodies of the catalog API. Absent (null) fields take defaults or keep current values. */
public final class FeatureSetRequests {
  private FeatureSetRequests() {}

  /**
   * Creates a feature set and its version 1.
   *
   * @param name unique name, 1-63 of {@code [a-z0-9_-]}, starting with a letter
   * @param description free text
   * @param owner team or person responsible (required)
   * @param tags labels
   * @param schema schema of version 1 (required)
   * @param storage how snapshots are written; defaults to Parquet, 128 MiB shards, snappy, unpartitioned
   */
  public record Create(
      String name, String description, String owner, List<String> tags, FeatureSetSchema schema, Storage storage) {}

  /** Changes metadata; a null field keeps its value. The schema changes only through a new version. */
  public record Update(String description, String owner, List<String> tags, Storage storage) {}

  /**
   * Adds a version with a new schema.
   *
   * @param schema the new schema (required)
   * @param description what changed
   */
  public record CreateVersion(FeatureSetSchema schema, String description) {}

  /** Storage options; null fields keep the current (or default) value. */
  public record Storage(
      Set<ShardFormat> formats, Long targetShardBytes, Compression compression, Partitioning partitioning,
      Compression tfrecordCompression) {
    StorageOptions applyTo(StorageOptions current) {
      return new StorageOptions(
          formats != null ? formats : current.formats(),
          targetShardBytes != null ? targetShardBytes : current.targetShardBytes(),
          compression != null ? compression : current.compression(),
          partitioning != null ? partitioning : current.partitioning(),
          tfrecordCompression != null ? tfrecordCompression : current.tfrecordCompression());
    }
  }
}
