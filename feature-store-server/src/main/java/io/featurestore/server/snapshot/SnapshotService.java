package io.featurestore.server.snapshot;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.BucketLayout;
import io.featurestore.api.manifest.ManifestCodec;
import io.featurestore.api.manifest.Operation;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.server.catalog.Catalog;
import io.featurestore.server.catalog.Catalog.CommitResult;
import io.featurestore.server.catalog.CatalogService;
import io.featurestore.server.catalog.FeatureSetVersion;
import io.featurestore.server.catalog.Page;
import io.featurestore.server.catalog.SnapshotRecord;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Commits and reads snapshots. A commit writes the manifest (every visible shard) to the bucket,
 * then records it in the catalog; the catalog insert is the atomic commit point. Concurrent commits
 * to one version race for the next sequence number: the loser rebuilds its manifest on the new head
 * and tries again, so no commit is lost (optimistic concurrency, as in Apache Iceberg).
 */
@Service
public class SnapshotService {
  private static final Logger log = LoggerFactory.getLogger(SnapshotService.class);
  private static final int MAX_COMMIT_ATTEMPTS = 50;
  /** The asOf range every catalog database holds (PostgreSQL's ends in year 294276, and refuses later). */
  private static final Instant MIN_AS_OF = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant MAX_AS_OF = Instant.parse("9999-12-31T23:59:59.999999Z");
  /** The catalog's column holds this many characters. */
  private static final int MAX_IDEMPOTENCY_KEY = 255;

  private final Catalog catalog;
  private final CatalogService catalogService;
  private final ObjectStore store;
  private final Clock clock;

  SnapshotService(Catalog catalog, CatalogService catalogService, ObjectStore store, Clock clock) {
    this.catalog = catalog;
    this.catalogService = catalogService;
    this.store = store;
    this.clock = clock;
  }

  /**
   * The result of a commit.
   *
   * @param snapshot the committed snapshot
   * @param created false when an earlier commit with the same idempotency key was returned instead
   */
  public record CommitOutcome(SnapshotView snapshot, boolean created) {}

  /**
   * Commits shards already written under the version's data prefix as a new snapshot.
   *
   * @param ownsShards true when the server wrote {@code added} for this commit: then they are
   *     deleted when not committed (failure, or an earlier commit with the same idempotency key).
   *     False for shards registered by another writer, which are never deleted here.
   */
  public CommitOutcome commit(
      FeatureSetVersion version, Operation operation, String snapshotId, List<ShardEntry> added, String idempotencyKey,
      boolean ownsShards) {
    boolean committed = false;
    try {
      for (int attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
        Optional<SnapshotRecord> head = catalog.latestSnapshot(version.featureSet(), version.version());
        SnapshotManifest manifest = manifest(version, operation, snapshotId, added, head);
        ObjectKey key =
            BucketLayout.manifest(version.featureSet(), version.version(), manifest.sequenceNumber(), snapshotId);
        write(key, ManifestCodec.toJson(manifest));
        SnapshotRecord record = record(manifest, key, idempotencyKey);
        CommitResult result;
        try {
          result = catalog.insertSnapshot(record);
        } catch (RuntimeException e) {
          // The database may have committed before the error reached us (a connection lost after the
          // COMMIT): the snapshot's row decides whether its files are deleted.
          Optional<SnapshotRecord> landed;
          try {
            landed = catalog.findSnapshot(version.featureSet(), version.version(), snapshotId);
          } catch (RuntimeException lookup) {
            e.addSuppressed(lookup);
            committed = true; // unknown: files left behind are garbage to collect, a snapshot without them is lost data
            throw e;
          }
          if (landed.isPresent()) {
            committed = true;
            log.warn("Snapshot {} of {} v{} was committed although the catalog reported an error", snapshotId,
                version.featureSet(), version.version(), e);
            return new CommitOutcome(view(landed.get()), true);
          }
          deleteQuietly(List.of(key));
          throw e;
        }
        switch (result) {
          case COMMITTED -> {
            committed = true;
            log.info(
                "Committed snapshot {} of {} v{} (sequence {}, {} rows added, {} shards)",
                snapshotId, version.featureSet(), version.version(), record.sequenceNumber(), record.addedRows(),
                added.size());
            return new CommitOutcome(view(record), true);
          }
          case IDEMPOTENCY_KEY_TAKEN -> {
            deleteQuietly(List.of(key));
            SnapshotRecord first =
                catalog.findSnapshotByIdempotencyKey(version.featureSet(), version.version(), idempotencyKey).orElseThrow();
            return new CommitOutcome(view(first), false);
          }
          case SEQUENCE_TAKEN -> {
            deleteQuietly(List.of(key));
            log.debug("Commit of {} lost the race for sequence {}; retrying", snapshotId, record.sequenceNumber());
            pause(attempt);
          }
        }
      }
      throw new FeatureStoreException(
          ErrorKind.UNAVAILABLE, "commit-contention",
          "gave up committing to " + version.featureSet() + " v" + version.version() + " after " + MAX_COMMIT_ATTEMPTS
              + " attempts lost to concurrent commits; retry later");
    } finally {
      if (!committed && ownsShards) {
        deleteQuietly(added.stream().map(ShardEntry::key).toList());
      }
    }
  }

  /**
   * Refuses an idempotency key the catalog cannot store, before any work is done for the request.
   *
   * @param idempotencyKey null (no key) or 1 to 255 characters, not all blank
   */
  public static void checkIdempotencyKey(String idempotencyKey) {
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
      throw FeatureStoreException.invalid(
          "invalid-idempotency-key",
          "Idempotency-Key must have 1 to " + MAX_IDEMPOTENCY_KEY + " characters, not all blank; got "
              + idempotencyKey.length());
    }
  }

  /** The earlier snapshot committed with this idempotency key, if any. */
  public Optional<SnapshotView> findByIdempotencyKey(FeatureSetVersion version, String idempotencyKey) {
    return catalog.findSnapshotByIdempotencyKey(version.featureSet(), version.version(), idempotencyKey).map(this::view);
  }

  /** Snapshots of a version, newest first. */
  public Page<SnapshotView> list(String featureSet, String versionRef, String pageToken, int pageSize) {
    if (pageSize < 1 || pageSize > CatalogService.MAX_PAGE_SIZE) {
      throw FeatureStoreException.invalid(
          "invalid-page-size", "pageSize must be between 1 and " + CatalogService.MAX_PAGE_SIZE + ", got " + pageSize);
    }
    FeatureSetVersion version = catalogService.version(featureSet, versionRef);
    Long before = pageToken == null ? null : parseSequence(pageToken);
    List<SnapshotRecord> items = catalog.listSnapshots(featureSet, version.version(), before, pageSize);
    String next = items.size() == pageSize ? Long.toString(items.get(items.size() - 1).sequenceNumber()) : null;
    return new Page<>(items.stream().map(this::view).toList(), next);
  }

  /**
   * A snapshot by id, or for {@code "latest"} the newest one (committed at or before {@code asOf}
   * when given; asOf with an id is refused rather than ignored).
   */
  public SnapshotView get(String featureSet, String versionRef, String snapshotRef, Instant asOf) {
    if (asOf != null && (asOf.isBefore(MIN_AS_OF) || asOf.isAfter(MAX_AS_OF))) {
      throw FeatureStoreException.invalid(
          "invalid-as-of", "asOf must be between " + MIN_AS_OF + " and " + MAX_AS_OF + ", got " + asOf);
    }
    if (asOf != null && !"latest".equals(snapshotRef)) {
      throw FeatureStoreException.invalid(
          "invalid-as-of",
          "asOf picks a snapshot for 'latest' only; drop it to get snapshot '" + snapshotRef + "', or ask for latest?asOf=" + asOf);
    }
    FeatureSetVersion version = catalogService.version(featureSet, versionRef);
    Optional<SnapshotRecord> found;
    if ("latest".equals(snapshotRef)) {
      found =
          asOf == null
              ? catalog.latestSnapshot(featureSet, version.version())
              : catalog.snapshotAsOf(featureSet, version.version(), asOf);
    } else {
      found = catalog.findSnapshot(featureSet, version.version(), snapshotRef);
    }
    return found
        .map(this::view)
        .orElseThrow(
            () -> FeatureStoreException.notFound(
                "snapshot-not-found",
                "feature set '" + featureSet + "' v" + version.version() + " has no snapshot "
                    + ("latest".equals(snapshotRef) ? (asOf == null ? "yet" : "committed at or before " + asOf)
                        : "'" + snapshotRef + "'")));
  }

  /** The manifest bytes, exactly as stored in the bucket. */
  public byte[] manifest(String featureSet, String versionRef, String snapshotRef, Instant asOf) {
    return read(ObjectKey.of(get(featureSet, versionRef, snapshotRef, asOf).snapshot().manifestKey()));
  }

  private SnapshotManifest manifest(
      FeatureSetVersion version, Operation operation, String snapshotId, List<ShardEntry> added,
      Optional<SnapshotRecord> head) {
    List<ShardEntry> shards = new ArrayList<>();
    long rows = SnapshotManifest.rowsOfWrite(added);
    if (operation == Operation.APPEND && head.isPresent()) {
      SnapshotManifest parent = ManifestCodec.fromJson(read(ObjectKey.of(head.get().manifestKey())));
      shards.addAll(parent.shards());
      rows += parent.rowCount();
      Set<ObjectKey> committed = shards.stream().map(ShardEntry::key).collect(Collectors.toSet());
      for (ShardEntry shard : added) {
        if (committed.contains(shard.key())) {
          throw FeatureStoreException.conflict(
              "shard-already-committed", "shard " + shard.key() + " is already part of snapshot " + head.get().snapshotId());
        }
      }
    }
    shards.addAll(added);
    return new SnapshotManifest(
        SnapshotManifest.FORMAT_VERSION,
        version.featureSet(),
        version.version(),
        snapshotId,
        head.map(h -> h.sequenceNumber() + 1).orElse(1L),
        head.map(SnapshotRecord::snapshotId).orElse(null),
        operation,
        clock.instant().truncatedTo(ChronoUnit.MICROS),
        version.schema(),
        rows,
        shards.stream().mapToLong(ShardEntry::bytes).sum(),
        shards);
  }

  private static SnapshotRecord record(SnapshotManifest m, ObjectKey key, String idempotencyKey) {
    List<ShardEntry> added = m.addedShards();
    return new SnapshotRecord(
        m.snapshotId(), m.featureSet(), m.version(), m.sequenceNumber(), m.parentSnapshotId(), m.operation(),
        key.path(), m.rowCount(), m.byteCount(), m.shards().size(),
        SnapshotManifest.rowsOfWrite(added), added.stream().mapToLong(ShardEntry::bytes).sum(),
        idempotencyKey, m.committedAt());
  }

  private SnapshotView view(SnapshotRecord record) {
    return new SnapshotView(record, store.uri(ObjectKey.of(record.manifestKey())));
  }

  private byte[] read(ObjectKey key) {
    try (ObjectInput input = store.open(key)) {
      long length = input.length();
      byte[] bytes = new byte[Math.toIntExact(length)];
      input.readFully(0, bytes, 0, bytes.length);
      return bytes;
    } catch (IOException e) {
      throw new FeatureStoreException(ErrorKind.UNAVAILABLE, "bucket-unavailable", "could not read " + key + ": " + e, e);
    }
  }

  private void write(ObjectKey key, byte[] content) {
    try {
      store.put(key, content);
    } catch (IOException e) {
      throw new FeatureStoreException(ErrorKind.UNAVAILABLE, "bucket-unavailable", "could not write " + key + ": " + e, e);
    }
  }

  private void deleteQuietly(List<ObjectKey> keys) {
    if (keys.isEmpty()) {
      return;
    }
    try {
      store.delete(keys);
    } catch (IOException | RuntimeException e) {
      // Unreferenced objects are harmless to readers; garbage collection removes them.
      log.warn("Could not delete {} uncommitted objects (first: {}); they are unreferenced", keys.size(), keys.get(0), e);
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * Math.min(attempt, 10)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FeatureStoreException(ErrorKind.UNAVAILABLE, "interrupted", "commit interrupted", e);
    }
  }

  private static long parseSequence(String token) {
    try {
      return Long.parseLong(token);
    } catch (NumberFormatException e) {
      throw FeatureStoreException.invalid("invalid-page-token", "pageToken '" + token + "' is not valid");
    }
  }
}
