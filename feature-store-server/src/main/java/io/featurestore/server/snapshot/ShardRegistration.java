package io.featurestore.server.snapshot;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.BucketLayout;
import io.featurestore.api.manifest.Operation;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.format.arrow.ArrowSchemas;
import io.featurestore.format.arrow.TimestampMicros;
import io.featurestore.format.parquet.ObjectInputFile;
import io.featurestore.format.parquet.ParquetBatchReader;
import io.featurestore.server.catalog.CatalogService;
import io.featurestore.server.catalog.FeatureSetVersion;
import io.featurestore.server.ingest.IngestProperties;
import io.featurestore.server.snapshot.SnapshotService.CommitOutcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

/**
 * Commits Parquet shards that another writer (Spark, a client, a batch job) put in the bucket, so
 * writers that outgrow one server still produce ordinary snapshots. Each shard is checked before
 * anything is committed: it must lie under the version's data prefix, exist with the stated size,
 * have a Parquet schema that matches the version's, and have no nulls in its non-nullable columns;
 * its row count and event-time range are read from the file, a row group at a time (a row group
 * whose non-nullable columns exceed the ingest batch memory is refused). Registered shards are
 * never deleted by the server, even when the commit fails. Feature sets that also write TFRecord
 * refuse registration, since every format of a snapshot must hold all of its rows.
 */
@Service
public class ShardRegistration implements DisposableBean {
  private static final Pattern CRC32C = Pattern.compile("[0-9a-f]{8}");
  static final int MAX_SHARDS = 10_000;
  private static final int MAX_CONCURRENT = 2;
  private static final int SCAN_BATCH_ROWS = 64 * 1024;
  /** At most this much Arrow memory per scan batch, however wide the rows (a 65,536-dim vector is 256 KiB a row). */
  private static final long SCAN_BATCH_BYTES = 64L << 20;

  private final CatalogService catalog;
  private final SnapshotService snapshots;
  private final ObjectStore store;
  private final BufferAllocator allocator = new RootAllocator();
  /** Registrations checked at once: each scans its shards' required columns, a batch and a row group at a time. */
  private final Semaphore permits = new Semaphore(MAX_CONCURRENT);

  /** The largest row group of a shard's required columns that is scanned: it is read into memory at once. */
  private final long maxRowGroupBytes;

  ShardRegistration(CatalogService catalog, SnapshotService snapshots, ObjectStore store, IngestProperties ingest) {
    this.catalog = catalog;
    this.snapshots = snapshots;
    this.store = store;
    this.maxRowGroupBytes = ingest.batchMemory().toBytes();
  }

  /**
   * A shard to register.
   *
   * @param key object key relative to the store root, under {@code feature-sets/{name}/v{version}/data/}
   * @param bytes the object's exact length
   * @param crc32c optional CRC32C of the whole object (8 hex digits) for readers to verify
   */
  public record ShardRef(String key, long bytes, String crc32c) {}

  /**
   * @param mode {@code append} (default) or {@code overwrite}
   * @param shards the shards, 1 to 10,000
   */
  public record Request(String mode, List<ShardRef> shards) {}

  public CommitOutcome register(String featureSet, String versionRef, Request request, String idempotencyKey) {
    SnapshotService.checkIdempotencyKey(idempotencyKey);
    FeatureSetVersion version = catalog.version(featureSet, versionRef);
    if (catalog.get(featureSet).storage().formats().contains(ShardFormat.TFRECORD)) {
      throw FeatureStoreException.conflict(
          "registration-needs-parquet-only",
          "feature set '" + featureSet + "' also writes TFRecord shards, and registered shards are Parquet only: the"
              + " snapshot would miss their rows in TFRecord. Register into a feature set whose formats are [PARQUET]");
    }
    Operation operation = request.mode() == null ? Operation.APPEND : Operation.fromMode(request.mode());
    if (idempotencyKey != null) {
      var earlier = snapshots.findByIdempotencyKey(version, idempotencyKey);
      if (earlier.isPresent()) {
        return new CommitOutcome(earlier.get(), false);
      }
    }
    List<ShardRef> refs = request.shards() == null ? List.of() : request.shards();
    if (refs.isEmpty() || refs.size() > MAX_SHARDS) {
      throw FeatureStoreException.invalid(
          "invalid-shards", "register 1 to " + MAX_SHARDS + " shards at a time, got " + refs.size());
    }
    if (!permits.tryAcquire()) {
      throw new FeatureStoreException(
          ErrorKind.UNAVAILABLE, "registration-busy",
          "the server is already checking " + MAX_CONCURRENT + " registrations; retry shortly");
    }
    try {
      return register(featureSet, version, operation, refs, idempotencyKey);
    } finally {
      permits.release();
    }
  }

  private CommitOutcome register(
      String featureSet, FeatureSetVersion version, Operation operation, List<ShardRef> refs, String idempotencyKey) {
    String snapshotId = UUID.randomUUID().toString();
    ObjectKey prefix = BucketLayout.data(featureSet, version.version());
    Set<ObjectKey> seen = new HashSet<>();
    List<ShardEntry> entries = new ArrayList<>(refs.size());
    for (ShardRef ref : refs) {
      ObjectKey key = ObjectKey.of(ref.key() == null ? "" : ref.key());
      if (!key.isUnder(prefix)) {
        throw FeatureStoreException.invalid(
            "invalid-shard-key", "shard key '" + key + "' is not under the version's data prefix " + prefix + "/");
      }
      if (!seen.add(key)) {
        throw FeatureStoreException.invalid("invalid-shards", "shard " + key + " is listed twice");
      }
      if (ref.crc32c() != null && !CRC32C.matcher(ref.crc32c()).matches()) {
        throw FeatureStoreException.invalid(
            "invalid-crc32c", "crc32c of " + key + " must be 8 lower-case hex digits, got '" + ref.crc32c() + "'");
      }
      entries.add(inspect(key, ref, version.schema(), snapshotId));
    }
    return snapshots.commit(version, operation, snapshotId, entries, idempotencyKey, false);
  }

  private ShardEntry inspect(ObjectKey key, ShardRef ref, FeatureSetSchema schema, String snapshotId) {
    try {
      ObjectInfo info =
          store.stat(key).orElseThrow(() -> FeatureStoreException.invalid("shard-not-found", "shard " + key + " does not exist"));
      if (info.size() != ref.bytes()) {
        throw FeatureStoreException.invalid(
            "shard-size-mismatch", "shard " + key + " has " + info.size() + " bytes, not " + ref.bytes());
      }
      try (ObjectInput input = store.open(key)) {
        ObjectInputFile file = new ObjectInputFile(key.path(), input);
        // Opening with every column checks the whole schema; no data is read.
        try (ParquetBatchReader all = ParquetBatchReader.open(file, schema, null, allocator, 1)) {
          if (all.rowCount() == 0) {
            throw FeatureStoreException.invalid("empty-shard", "shard " + key + " has no rows");
          }
        }
        return scan(key, file, schema, info.size(), ref.crc32c(), snapshotId);
      }
    } catch (IOException e) {
      throw new FeatureStoreException(ErrorKind.UNAVAILABLE, "bucket-unavailable", "could not read shard " + key + ": " + e, e);
    } catch (FeatureStoreException e) {
      if (e.kind() == ErrorKind.INVALID_ARGUMENT && !e.getMessage().contains(key.path())) {
        throw FeatureStoreException.invalid(e.code(), "shard " + key + ": " + e.getMessage());
      }
      throw e;
    }
  }

  /** Reads the non-nullable columns: checks them for nulls and takes the event-time range. */
  private ShardEntry scan(ObjectKey key, ObjectInputFile file, FeatureSetSchema schema, long bytes, String crc32c, String snapshotId)
      throws IOException {
    List<Column> required = schema.columns().stream().filter(c -> !c.nullable()).toList();
    int timeIndex = required.indexOf(schema.eventTimestampColumn());
    long rows = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    try (ParquetBatchReader reader =
        ParquetBatchReader.open(file, schema, required.stream().map(Column::name).toList(), allocator,
            ArrowSchemas.rowsFitting(required, SCAN_BATCH_ROWS, SCAN_BATCH_BYTES))) {
      if (reader.largestRowGroupBytes() > maxRowGroupBytes) {
        throw FeatureStoreException.invalid(
            "row-group-too-large",
            "shard " + key + " has a row group whose non-nullable columns take " + reader.largestRowGroupBytes()
                + " bytes; the server checks row groups of up to " + maxRowGroupBytes
                + " bytes (feature-store.ingest.batch-memory): write smaller ones");
      }
      while (reader.loadNext()) {
        VectorSchemaRoot batch = reader.root();
        for (int c = 0; c < required.size(); c++) {
          FieldVector vector = batch.getVector(c);
          if (vector.getNullCount() > 0) {
            throw FeatureStoreException.invalid(
                "invalid-value", "shard " + key + ": column '" + required.get(c).name() + "' is not nullable but has nulls");
          }
        }
        TimestampMicros time = TimestampMicros.of(batch.getVector(timeIndex));
        for (int row = 0; row < batch.getRowCount(); row++) {
          long micros;
          try {
            micros = time.get(row);
          } catch (ArithmeticException e) {
            throw FeatureStoreException.invalid(
                "invalid-value", "shard " + key + ": event time " + batch.getVector(timeIndex).getObject(row)
                    + " is beyond the range of microseconds since the epoch");
          }
          min = Math.min(min, micros);
          max = Math.max(max, micros);
        }
        rows += batch.getRowCount();
      }
    }
    return new ShardEntry(key, ShardFormat.PARQUET, rows, bytes, crc32c, TimestampMicros.toInstant(min), TimestampMicros.toInstant(max), null, snapshotId);
  }



  @Override
  public void destroy() {
    allocator.close();
  }
}
