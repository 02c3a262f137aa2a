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
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
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
      ShardFile shard = shardFor("", batch);
      for (int row = 0; row < rows; row++) {
        shard = writeRow(shard, "", batch, row, eventTime.get(row));
      }
      return;
    }
    String currentPartition = null;
    ShardFile shard = null;
    for (int row = 0; row < rows; row++) {
      long micros = eventTime.get(row);
      String partition = LocalDate.ofEpochDay(Math.floorDiv(micros, MICROS_PER_DAY)).toString();
      if (!partition.equals(currentPartition)) {
        shard = shardFor(partition, batch);
        currentPartition = partition;
      }
      shard = writeRow(shard, partition, batch, row, micros);
    }
  }

  private ShardFile writeRow(ShardFile shard, String partition, VectorSchemaRoot batch, int row, long micros)
      throws IOException {
    shard.write(row, micros);
    if (shard.rows % SIZE_CHECK_INTERVAL == 0 && shard.flushedBytes() >= storage.targetShardBytes()) {
      completed.add(shard.finish());
      open.remove(partition);
      return shardFor(partition, batch);
    }
    return shard;
  }

  private ShardFile shardFor(String partition, VectorSchemaRoot batch) throws IOException {
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
    shard.bind(batch);
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

  private ParquetWriter<Integer> newParquetWriter(OutputFile file, ArrowWriteSupport support) throws IOException {
    Builder builder =
        new Builder(file, support)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withConf(new Configuration(false))
            .withCompressionCodec(codec(storage.compression()))
            .withRowGroupSize(settings.rowGroupBytes())
            .withPageSize(settings.pageBytes())
            .withPageWriteChecksumEnabled(true)
            .withValidation(false)
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

  private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
    private final ArrowWriteSupport support;

    Builder(OutputFile file, ArrowWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(Configuration conf) {
      return support;
    }
  }

  /** One shard being written. */
  private final class ShardFile {
    private final String partition;
    private final ObjectKey key;
    private final ObjectUpload upload;
    private final UploadOutputFile file;
    private final ArrowWriteSupport support;
    private final ParquetWriter<Integer> writer;
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
        this.support = new ArrowWriteSupport(schema, parquetSchema, metadata);
        this.writer = newParquetWriter(file, support);
      } catch (IOException | RuntimeException e) {
        upload.abort();
        throw e;
      }
    }

    void bind(VectorSchemaRoot batch) {
      support.bind(batch);
    }

    void write(int row, long eventMicros) throws IOException {
      writer.write(row);
      rows++;
      if (eventMicros < minMicros) {
        minMicros = eventMicros;
      }
      if (eventMicros > maxMicros) {
        maxMicros = eventMicros;
      }
    }

    /**
     * Bytes of completed row groups already sent. Rolling on this, not on Parquet's estimate of the
     * buffered (uncompressed) data, makes every shard but a snapshot's last at least the target size.
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
            rows == 0 ? null : instant(minMicros), rows == 0 ? null : instant(maxMicros),
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

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }
}
