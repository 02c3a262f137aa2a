package io.featurestore.api.manifest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.ShardFormat;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

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
 * @param rowCount rows of the snapshot; each of its {@link #formats()} holds all of them
 * @param byteCount total bytes over {@link #shards()}
 * @param shards every shard visible in this snapshot, including those inherited from the parent, of
 *     every format
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

  /**
   * The formats in which every row of the snapshot can be read. Each write puts the same rows in
   * every format the feature set had then, so a format is complete when its shards hold {@link
   * #rowCount()} rows; a format added or dropped later by a storage change, or shards registered
   * in Parquet only, leave it out until an overwrite. An empty snapshot has every format.
   */
  @JsonIgnore
  public Set<ShardFormat> formats() {
    Set<ShardFormat> complete = EnumSet.noneOf(ShardFormat.class);
    for (ShardFormat format : ShardFormat.values()) {
      if (rowsIn(shards, format) == rowCount) {
        complete.add(format);
      }
    }
    return complete;
  }

  /** The shards of one format, in manifest order. */
  public List<ShardEntry> shards(ShardFormat format) {
    return shards.stream().filter(s -> s.format() == format).toList();
  }

  /** Rows held by the shards of one write, which hold the same rows in each of their formats. */
  public static long rowsOfWrite(List<ShardEntry> written) {
    long rows = 0;
    for (ShardFormat format : ShardFormat.values()) {
      rows = Math.max(rows, rowsIn(written, format));
    }
    return rows;
  }

  private static long rowsIn(List<ShardEntry> shards, ShardFormat format) {
    return shards.stream().filter(s -> s.format() == format).mapToLong(ShardEntry::rows).sum();
  }

  /** The shards written by this snapshot itself. */
  public List<ShardEntry> addedShards() {
    return shards.stream().filter(s -> s.addedBy().equals(snapshotId)).toList();
  }
}
