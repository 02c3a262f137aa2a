package io.featurestore.api.manifest;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.schema.FeatureSetSchema;
import java.time.Instant;
import java.util.List;

/**
 * The complete, self-describing description of one snapshot: every shard a reader needs, with the
 * schema, so the data can be read (and the catalog rebuilt) from the bucket alone. Layout and
 * versioning rules are in {@code docs/layout.md}.
 *
 * @param formatVersion version of this manifest layout, {@link #FORMAT_VERSION}
 * @param featureSet feature-set name
 * @param version feature-set version number
 * @param snapshotId unique id of this snapshot
 * @param sequenceNumber position in the version's snapshot history, starting at 1
 * @param parentSnapshotId the snapshot this one was based on, or null for the first
 * @param operation append or overwrite
 * @param committedAt when the commit was attempted (the catalog's commit time may be slightly later)
 * @param schema the version's schema
 * @param rowCount total rows over {@link #shards()}
 * @param byteCount total bytes over {@link #shards()}
 * @param shards every shard visible in this snapshot, including those inherited from the parent
 */
public record SnapshotManifest(
    int formatVersion,
    String featureSet,
    int version,
    String snapshotId,
    long sequenceNumber,
    String parentSnapshotId,
    Operation operation,
    Instant committedAt,
    FeatureSetSchema schema,
    long rowCount,
    long byteCount,
    List<ShardEntry> shards) {
  public static final int FORMAT_VERSION = 1;

  public SnapshotManifest {
    requireNonNull(featureSet, "featureSet is null");
    requireNonNull(snapshotId, "snapshotId is null");
    requireNonNull(operation, "operation is null");
    requireNonNull(committedAt, "committedAt is null");
    requireNonNull(schema, "schema is null");
    shards = List.copyOf(requireNonNull(shards, "shards is null"));
  }

  /** The shards written by this snapshot itself. */
  public List<ShardEntry> addedShards() {
    return shards.stream().filter(s -> s.addedBy().equals(snapshotId)).toList();
  }
}
