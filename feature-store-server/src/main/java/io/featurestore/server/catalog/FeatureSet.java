package io.featurestore.server.catalog;

import io.featurestore.api.schema.StorageOptions;
import java.time.Instant;
import java.util.List;

/**
 * A feature set as the catalog describes it.
 *
 * @param name unique name; part of every object key of the feature set
 * @param description free text
 * @param owner team or person responsible
 * @param tags labels to find it by, sorted
 * @param storage how its snapshots are written
 * @param latestVersion highest existing version number, or null when every version was deleted
 * @param createdAt creation time
 * @param updatedAt last metadata change
 */
public record FeatureSet(
    String name,
    String description,
    String owner,
    List<String> tags,
    StorageOptions storage,
    Integer latestVersion,
    Instant createdAt,
    Instant updatedAt) {
  public FeatureSet {
    tags = List.copyOf(tags);
  }
}
