package io.featurestore.format.parquet;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.manifest.ManifestCodec;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.Partitioning;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import io.featurestore.format.arrow.TimestampMicros;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/**
 * Writes a stream of Arrow batches as Parquet shards of about {@link StorageOptions#targetShardBytes()}
 * each, every shard streamed into the object store by a multipart upload while it is written.
 *
 * <p>{@link #finish()} completes the open shards and returns every shard written; {@link #close()}
 * without a successful finish aborts open uploads and deletes completed shards, so a failed write
 * leaves nothing behind (except what a killed process could not clean, which no manifest lists).
 * Not thread-safe.
 */
public final class ShardedParquetWriter implements AutoCloseable {
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  /** Check the shard size this often (in rows). */
  private static final int SIZE_CHECK_INTERVAL = 1024;

  private final ObjectStore store;
  private final ObjectKey dataPrefix;
  private final String snapshotId;
  private final FeatureSetSchema schema;
  private final StorageOptions storage;
  private final ParquetWriteSettings settings;
  private final MessageType parquetSchema;
  private final ParquetProperties properties;
  private final Map<String, String> metadata;
  /** Open shards by partition value ("" when unpartitioned), least recently written first. */
  private final LinkedHashMap<String, ShardFile> open = new LinkedHashMap<>(16, 0.75f, true);
  private final List<ShardEntry> completed = new ArrayList<>();
  private int nextShard;
  private boolean finished;

  public ShardedParquetWriter(
      ObjectStore store, ObjectKey dataPrefix, String snapshotId, FeatureSetSchema schema, StorageOptions storage,
      ParquetWriteSettings settings) {
    this.store = requireNonNull(store, "store is null");
    this.dataPrefix = requireNonNull(dataPrefix, "dataPrefix is null");
    this.snapshotId = requireNonNull(snapshotId, "snapshotId is null");
    this.schema = requireNonNull(schema, "schema is null");
    this.storage = requireNonNull(storage, "storage is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.parquetSchema = ParquetSchemas.toParquet(schema);
    this.properties = parquetProperties();
    this.metadata = Map.of("feature_store.schema", ManifestCodec.schemaToJson(schema), "feature_store.snapshot_id", snapshotId);
  }

  /**
   * Writes every row of the batch. Its vectors must be in {@link FeatureSetSchema#columns()} order
   * with the types of {@link io.featurestore.format.arrow.ArrowSchemas} (timestamps of any unit), and
   * must already be validated. The batch is not retained after the call.
   */
  public void write(VectorSchemaRoot batch) throws IOException {
    int rows = batch.getRowCount();
    TimestampMicros eventTime = TimestampMicros.of(batch.getVector(schema.eventTimestampIndex()));
    if (storage.partitioning() == Partitioning.NONE) {
      writeRun("", batch, 0, rows, eventTime);
      return;
    }
    // Runs of consecutive rows with the same event date go to that date's shard together.
    int start = 0;
    while (start < rows) {
      long day = Math.floorDiv(eventTime.get(start), MICROS_PER_DAY);
      int end = start + 1;
      while (end < rows && Math.floorDiv(eventTime.get(end), MICROS_PER_DAY) == day) {
        end++;
      }
      writeRun(LocalDate.ofEpochDay(day).toString(), batch, start, end, eventTime);
      start = end;
    }
  }

  /** Writes rows of one partition, closing the shard and starting another whenever it reaches the target size. */
  private void writeRun(String partition, VectorSchemaRoot batch, int from, int to, TimestampMicros eventTime)
      throws IOException {
    for (int start = from; start < to; start += SIZE_CHECK_INTERVAL) {
      int end = Math.min(to, start + SIZE_CHECK_INTERVAL);
      ShardFile shard = shardFor(partition);
      shard.write(batch, start, end, eventTime);
      if (shard.flushedBytes() >= storage.targetShardBytes()) {
        completed.add(shard.finish());
        open.remove(partition);
      }
    }
  }

  private ShardFile shardFor(String partition) throws IOException {
    ShardFile shard = open.get(partition);
    if (shard == null) {
      if (open.size() >= settings.maxOpenPartitions()) {
        var eldest = open.entrySet().iterator().next();
        completed.add(eldest.getValue().finish());
        open.remove(eldest.getKey());
      }
      shard = new ShardFile(partition);
      open.put(partition, shard);
    }
    return shard;
  }

  /** Completes every open shard and returns all shards written, in the order they were started. */
  public List<ShardEntry> finish() throws IOException {
    for (ShardFile shard : List.copyOf(open.values())) {
      completed.add(shard.finish());
    }
    open.clear();
    finished = true;
    List<ShardEntry> result = new ArrayList<>(completed);
    result.sort((a, b) -> a.key().compareTo(b.key()));
    return result;
  }

  /** Aborts open uploads and deletes completed shards unless {@link #finish()} succeeded. */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    for (ShardFile shard : open.values()) {
      shard.abort();
    }
    open.clear();
    if (!completed.isEmpty()) {
      store.delete(completed.stream().map(ShardEntry::key).toList());
    }
  }

  private ParquetProperties parquetProperties() {
    ParquetProperties.Builder builder =
        ParquetProperties.builder()
            .withPageSize(settings.pageBytes())
            .withDictionaryPageSize(settings.pageBytes())
            .withPageWriteChecksumEnabled(true)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
            .withDictionaryEncoding(true);
    for (Column c : schema.columns()) {
      ScalarType t = c.type().element();
      // Float features and embeddings rarely repeat: a dictionary would cost CPU and then be dropped.
      if (t == ScalarType.FLOAT32 || t == ScalarType.FLOAT64 || !c.type().isScalar()) {
        String path = c.type().isScalar() ? c.name() : c.name() + "." + ParquetSchemas.LIST_GROUP + "." + ParquetSchemas.ELEMENT;
        builder.withDictionaryEncoding(path, false);
      }
    }
    return builder.build();
  }

  private static CompressionCodecName codec(Compression compression) {
    return switch (compression) {
      case ZSTD -> CompressionCodecName.ZSTD;
      case SNAPPY -> CompressionCodecName.SNAPPY;
      case NONE -> CompressionCodecName.UNCOMPRESSED;
    };
  }

  /** One shard being written. */
  private final class ShardFile {
    private final String partition;
    private final ObjectKey key;
    private final ObjectUpload upload;
    private final UploadOutputFile file;
    private final ColumnarParquetWriter writer;
    private long rows;
    private long minMicros = Long.MAX_VALUE;
    private long maxMicros = Long.MIN_VALUE;

    ShardFile(String partition) throws IOException {
      this.partition = partition;
      String name = String.format("part-%05d-%s.%s", nextShard++, snapshotId, ShardFormat.PARQUET.extension());
      this.key = partition.isEmpty() ? dataPrefix.resolve(name) : dataPrefix.resolve("event_date=" + partition + "/" + name);
      this.upload = store.newUpload(key);
      try {
        this.file = new UploadOutputFile(upload);
        this.writer =
            new ColumnarParquetWriter(
                file, schema, parquetSchema, properties, codec(storage.compression()), settings.rowGroupBytes(), metadata);
      } catch (IOException | RuntimeException e) {
        upload.abort();
        throw e;
      }
    }

    void write(VectorSchemaRoot batch, int from, int to, TimestampMicros eventTime) throws IOException {
      writer.write(batch, from, to);
      rows += to - from;
      for (int row = from; row < to; row++) {
        long micros = eventTime.get(row);
        minMicros = Math.min(minMicros, micros);
        maxMicros = Math.max(maxMicros, micros);
      }
    }

    /**
     * Bytes of completed row groups already sent. Rolling on this, not on an estimate of the
     * buffered data, makes every shard but a snapshot's last at least the target size.
     */
    long flushedBytes() {
      return upload.position();
    }

    ShardEntry finish() throws IOException {
      try {
        writer.close();
        ObjectInfo info = upload.complete();
        return new ShardEntry(
            key, ShardFormat.PARQUET, rows, info.size(), file.crc32c(),
            rows == 0 ? null : TimestampMicros.toInstant(minMicros), rows == 0 ? null : TimestampMicros.toInstant(maxMicros),
            partition.isEmpty() ? null : partition, snapshotId);
      } catch (IOException | RuntimeException e) {
        upload.abort();
        throw e;
      }
    }

    void abort() {
      upload.abort();
      try {
        writer.close(); // releases compressors; its writes fail fast against the aborted upload
      } catch (IOException | RuntimeException ignored) {
        // the shard is being discarded
      }
    }
  }

}
