package io.featurestore.server.ingest;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.BucketLayout;
import io.featurestore.api.manifest.Operation;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.format.arrow.ArrowSchemas;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.format.write.SnapshotWriter;
import io.featurestore.server.catalog.CatalogService;
import io.featurestore.server.catalog.FeatureSet;
import io.featurestore.server.catalog.FeatureSetVersion;
import io.featurestore.server.snapshot.SnapshotService;
import io.featurestore.server.snapshot.SnapshotService.CommitOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

/**
 * Streams an upload into a new snapshot: decode into Arrow batches, validate, write shards in each of
 * the feature set's formats (each uploaded by parts while written), commit. Nothing is held beyond one batch and the open
 * shards' row groups. Any failure removes what was written; nothing is committed.
 */
@Service
public class IngestService implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  private final CatalogService catalog;
  private final SnapshotService snapshots;
  private final ObjectStore store;
  private final IngestProperties properties;
  private final Semaphore permits;
  private final BufferAllocator allocator;

  IngestService(CatalogService catalog, SnapshotService snapshots, ObjectStore store, IngestProperties properties) {
    this.catalog = catalog;
    this.snapshots = snapshots;
    this.store = store;
    this.properties = properties;
    this.permits = new Semaphore(properties.maxConcurrent());
    this.allocator = new RootAllocator(properties.maxConcurrent() * properties.batchMemory().toBytes());
  }

  /**
   * Ingests one upload as a snapshot of the version.
   *
   * @param contentType the upload's media type, see {@link IngestFormat}
   * @param body the upload, read to its end; the caller closes it
   * @param idempotencyKey null, or a client key: a second upload with the same key returns the
   *     first one's snapshot instead of committing again
   */
  public CommitOutcome ingest(
      String featureSet, String versionRef, Operation operation, String contentType, InputStream body,
      String idempotencyKey) {
    IngestFormat format = IngestFormat.of(contentType);
    SnapshotService.checkIdempotencyKey(idempotencyKey);
    FeatureSet set = catalog.get(featureSet);
    FeatureSetVersion version = catalog.version(featureSet, versionRef);
    if (idempotencyKey != null) {
      var earlier = snapshots.findByIdempotencyKey(version, idempotencyKey);
      if (earlier.isPresent()) {
        return new CommitOutcome(earlier.get(), false);
      }
    }
    if (!permits.tryAcquire()) {
      throw new FeatureStoreException(
          ErrorKind.UNAVAILABLE, "ingest-busy",
          "the server is already processing " + properties.maxConcurrent() + " uploads; retry shortly");
    }
    try {
      return write(set, version, operation, format, new RequestBody(body), idempotencyKey);
    } finally {
      permits.release();
    }
  }

  private CommitOutcome write(
      FeatureSet set, FeatureSetVersion version, Operation operation, IngestFormat format, RequestBody body,
      String idempotencyKey) {
    String snapshotId = UUID.randomUUID().toString();
    FeatureSetSchema schema = version.schema();
    List<ShardEntry> shards;
    long rows = 0;
    long started = System.nanoTime();
    try (BufferAllocator batchMemory =
            allocator.newChildAllocator("ingest-" + snapshotId, 0, properties.batchMemory().toBytes());
        BatchSource source = open(format, body, schema, batchMemory);
        SnapshotWriter writer =
            new SnapshotWriter(
                store, BucketLayout.data(set.name(), version.version(), snapshotId), snapshotId, schema, set.storage(),
                properties.shardSettings())) {
      BatchValidator validator = new BatchValidator(schema);
      for (VectorSchemaRoot batch = source.next(); batch != null; batch = source.next()) {
        validator.check(batch, rows);
        writer.write(batch);
        rows += batch.getRowCount();
      }
      if (rows == 0 && operation == Operation.APPEND) {
        throw FeatureStoreException.invalid("empty-upload", "the upload has no rows; nothing to append");
      }
      shards = writer.finish();
    } catch (IOException e) {
      throw new FeatureStoreException(
          ErrorKind.UNAVAILABLE, "bucket-unavailable", "writing shards failed: " + e.getMessage() + "; nothing was committed", e);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    log.info(
        "Wrote {} rows ({} bytes of upload) of {} v{} in {} shards in {} s",
        rows, body.position(), set.name(), version.version(), shards.size(), String.format("%.1f", seconds));
    return snapshots.commit(version, operation, snapshotId, shards, idempotencyKey, true);
  }

  private BatchSource open(IngestFormat format, InputStream body, FeatureSetSchema schema, BufferAllocator memory)
      throws IOException {
    // Fewer rows when they are wide (a 65,536-dim embedding is 256 KiB a row): a quarter of the batch memory.
    int batchRows = ArrowSchemas.rowsFitting(schema.columns(), properties.batchRows(), properties.batchMemory().toBytes() / 4);
    return switch (format) {
      case ARROW_STREAM -> new ArrowStreamSource(body, schema, memory);
      case CSV -> new CsvSource(body, schema, memory, batchRows);
      case NDJSON -> new NdjsonSource(body, schema, memory, batchRows);
      case PARQUET -> new ParquetSource(body, schema, memory, batchRows, spoolDirectory(), properties.batchMemory().toBytes());
    };
  }


  private Path spoolDirectory() throws IOException {
    Path directory =
        properties.spoolDirectory() != null ? properties.spoolDirectory() : Path.of(System.getProperty("java.io.tmpdir"));
    return Files.createDirectories(directory);
  }

  @Override
  public void destroy() {
    allocator.close();
  }
}
