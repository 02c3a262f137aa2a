package io.featurestore.server.catalog;

import io.featurestore.api.schema.FeatureSetSchema;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistent catalog of feature sets, versions and committed snapshots. The catalog is the commit
 * authority: a snapshot exists once {@link #insertSnapshot} succeeds, whatever the bucket holds.
 *
 * <p>Implementations are thread-safe; each method is atomic.
 */
public interface Catalog {
  /**
   * Creates a feature set with version 1.
   *
   * @throws io.featurestore.api.FeatureStoreException CONFLICT if the name is taken
   */
  FeatureSet createFeatureSet(FeatureSet featureSet, FeatureSetVersion firstVersion);

  Optional<FeatureSet> findFeatureSet(String name);

  /**
   * Feature sets in name order after {@code afterName} (null for the first page), optionally only
   * those of one owner and/or carrying one tag.
   */
  List<FeatureSet> listFeatureSets(String owner, String tag, String afterName, int limit);

  /**
   * Replaces the metadata (description, owner, tags, storage) and the update time of a feature set,
   * unless it changed since it was read (optimistic concurrency).
   *
   * @param expectedUpdatedAt the {@link FeatureSet#updatedAt()} read before the change
   * @return the updated feature set, or empty when its update time is no longer {@code expectedUpdatedAt}:
   *     re-read it and apply the change again
   * @throws io.featurestore.api.FeatureStoreException NOT_FOUND if there is no such feature set
   */
  Optional<FeatureSet> updateFeatureSet(FeatureSet featureSet, Instant expectedUpdatedAt);

  /** Deletes the feature set with its versions and snapshot records; false if there was none. */
  boolean deleteFeatureSet(String name);

  /**
   * Adds the next version (one more than any version the feature set ever had), if the feature set
   * is unchanged since it was read.
   *
   * @param now the version's creation time and the feature set's new update time
   * @return the version, or empty when the feature set's update time is no longer {@code
   *     expectedUpdatedAt}: re-read it and check again
   * @throws io.featurestore.api.FeatureStoreException NOT_FOUND if there is no such feature set
   */
  Optional<FeatureSetVersion> createVersion(
      String featureSet, String description, FeatureSetSchema schema, Instant now, Instant expectedUpdatedAt);

  Optional<FeatureSetVersion> findVersion(String featureSet, int version);

  /** All versions, oldest first. */
  List<FeatureSetVersion> listVersions(String featureSet);

  /** Deletes a version with its snapshot records; false if there was none. */
  boolean deleteVersion(String featureSet, int version);

  /** The snapshot with the highest sequence number, if any. */
  Optional<SnapshotRecord> latestSnapshot(String featureSet, int version);

  /** The latest snapshot committed at or before {@code asOf}, if any. */
  Optional<SnapshotRecord> snapshotAsOf(String featureSet, int version, Instant asOf);

  Optional<SnapshotRecord> findSnapshot(String featureSet, int version, String snapshotId);

  Optional<SnapshotRecord> findSnapshotByIdempotencyKey(String featureSet, int version, String idempotencyKey);

  /** Snapshots newest first, with sequence numbers below {@code beforeSequence} (null for the first page). */
  List<SnapshotRecord> listSnapshots(String featureSet, int version, Long beforeSequence, int limit);

  /**
   * Records a commit. Fails, without effect, when another commit took the same sequence number or
   * idempotency key first.
   *
   * @throws io.featurestore.api.FeatureStoreException NOT_FOUND if the version no longer exists
   */
  CommitResult insertSnapshot(SnapshotRecord snapshot);

  /** Outcome of {@link #insertSnapshot}. */
  enum CommitResult {
    COMMITTED,
    /** Another snapshot has this sequence number: re-read the head and retry. */
    SEQUENCE_TAKEN,
    /** A snapshot with this idempotency key exists: return it. */
    IDEMPOTENCY_KEY_TAKEN
  }
}
