package io.featurestore.api.manifest;

import io.featurestore.api.schema.Names;
import io.featurestore.api.storage.ObjectKey;

/**
 * Where a feature set's objects live in the bucket (below the store's configured prefix). Specified
 * in {@code docs/layout.md}; every object a snapshot owns is under its version's prefix.
 *
 * <pre>
 * feature-sets/{name}/v{version}/data/{snapshotId}/[event_date=YYYY-MM-DD/]part-NNNNN-{snapshotId}.parquet
 * feature-sets/{name}/v{version}/manifests/{sequence, 20 digits}-{snapshotId}.json
 * </pre>
 */
public final class BucketLayout {
  private static final ObjectKey ROOT = ObjectKey.of("feature-sets");

  private BucketLayout() {}

  public static ObjectKey featureSet(String name) {
    return ROOT.resolve(Names.checkFeatureSetName(name));
  }

  public static ObjectKey version(String name, int version) {
    return featureSet(name).resolve("v" + version);
  }

  /** Prefix of the shards written by one snapshot. */
  public static ObjectKey data(String name, int version, String snapshotId) {
    return version(name, version).resolve("data").resolve(snapshotId);
  }

  /** Prefix under which a version's shards must be for the version to own them. */
  public static ObjectKey data(String name, int version) {
    return version(name, version).resolve("data");
  }

  /**
   * The manifest of one commit attempt. The sequence number is part of the key because a commit that
   * loses a race is retried with the next sequence number under the same snapshot id.
   */
  public static ObjectKey manifest(String name, int version, long sequenceNumber, String snapshotId) {
    return version(name, version).resolve("manifests").resolve(String.format("%020d-%s.json", sequenceNumber, snapshotId));
  }
}
