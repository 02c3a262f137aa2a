package io.featurestore.format.write;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.manifest.ShardBlock;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.Partitioning;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import io.featurestore.format.arrow.TimestampMicros;
import io.featurestore.format.parquet.ParquetShardEncoder;
import io.featurestore.format.tfrecord.TfRecordShardEncoder;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes a stream of Arrow batches as shards of one format of about {@link
 * StorageOptions#targetShardBytes()} each, every shard streamed into the object store by a
 * multipart upload while it is written. Rows are split into shards (and, when partitioned, by event
 * date) here; the bytes of each shard come from the format's {@link ShardEncoder}.
 *
 * <p>{@link #finish()} completes the open shards and returns every shard written; {@link #close()}
 * without a successful finish aborts open uploads and deletes completed shards, so a failed write
 * leaves nothing behind (except what a killed process could not clean, which no manifest lists).
 * Not thread-safe.
 */
public final class ShardedWriter implements AutoCloseable {
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  /** Check the shard size this often (in rows). */
  private static final int SIZE_CHECK_INTERVAL = 1024;

  private final ObjectStore store;
  private final ObjectKey dataPrefix;
  private final String snapshotId;
  private final FeatureSetSchema schema;
  private final ShardFormat format;
  private final Compression compression;
  private final StorageOptions storage;
  private final ShardWriteSettings settings;
  private final ShardEncoder.Factory encoders;
  /** Open shards by partition value ("" when unpartitioned), least recently written first. */
  private final LinkedHashMap<String, OpenShard> open = new LinkedHashMap<>(16, 0.75f, true);
  private final List<ShardEntry> completed = new ArrayList<>();
  private int nextShard;
  private boolean finished;

  /**
   * @throws io.featurestore.api.FeatureStoreException {@code tfrecord-unsupported-type} if the
   *     format cannot hold one of the schema's types
   */
  public ShardedWriter(
      ObjectStore store, ObjectKey dataPrefix, String snapshotId, FeatureSetSchema schema, StorageOptions storage,
      ShardFormat format, ShardWriteSettings settings) {
    this.store = requireNonNull(store, "store is null");
    this.dataPrefix = requireNonNull(dataPrefix, "dataPrefix is null");
    this.snapshotId = requireNonNull(snapshotId, "snapshotId is null");
    this.schema = requireNonNull(schema, "schema is null");
    this.storage = requireNonNull(storage, "storage is null");
    this.format = requireNonNull(format, "format is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.compression = storage.compression(format);
    this.encoders = switch (format) {
      case PARQUET -> ParquetShardEncoder.factory(schema, snapshotId, compression, settings);
      case TFRECORD -> TfRecordShardEncoder.factory(schema, compression, settings);
    };
  }

  public ShardFormat format() {
    return format;
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
      OpenShard shard = shardFor(partition);
      shard.write(batch, start, end, eventTime);
      if (shard.output.position() >= storage.targetShardBytes()) {
        completed.add(shard.finish());
        open.remove(partition);
      }
    }
  }

  private OpenShard shardFor(String partition) throws IOException {
    OpenShard shard = open.get(partition);
    if (shard == null) {
      if (open.size() >= settings.maxOpenPartitions()) {
        var eldest = open.entrySet().iterator().next();
        completed.add(eldest.getValue().finish());
        open.remove(eldest.getKey());
      }
      shard = new OpenShard(partition);
      open.put(partition, shard);
    }
    return shard;
  }

  /** Completes every open shard and returns all shards written, in key order. */
  public List<ShardEntry> finish() throws IOException {
    for (OpenShard shard : List.copyOf(open.values())) {
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
    for (OpenShard shard : open.values()) {
      shard.abort();
    }
    open.clear();
    if (!completed.isEmpty()) {
      store.delete(completed.stream().map(ShardEntry::key).toList());
    }
  }

  private String fileName() {
    String extension = format.extension() + (format == ShardFormat.TFRECORD && compression == Compression.GZIP ? ".gz" : "");
    return String.format("part-%05d-%s.%s", nextShard++, snapshotId, extension);
  }

  /** One shard being written. */
  private final class OpenShard {
    private final String partition;
    private final ObjectKey key;
    private final ObjectUpload upload;
    private final ShardOutput output;
    private final ShardEncoder encoder;
    private long rows;
    private long minMicros = Long.MAX_VALUE;
    private long maxMicros = Long.MIN_VALUE;

    OpenShard(String partition) throws IOException {
      this.partition = partition;
      String name = fileName();
      this.key = partition.isEmpty() ? dataPrefix.resolve(name) : dataPrefix.resolve("event_date=" + partition + "/" + name);
      this.upload = store.newUpload(key);
      try {
        this.output = new ShardOutput(upload);
        this.encoder = encoders.open(output);
      } catch (IOException | RuntimeException e) {
        upload.abort();
        throw e;
      }
    }

    void write(VectorSchemaRoot batch, int from, int to, TimestampMicros eventTime) throws IOException {
      encoder.write(batch, from, to);
      rows += to - from;
      for (int row = from; row < to; row++) {
        long micros = eventTime.get(row);
        minMicros = Math.min(minMicros, micros);
        maxMicros = Math.max(maxMicros, micros);
      }
    }

    ShardEntry finish() throws IOException {
      try {
        List<ShardBlock> blocks = encoder.finish();
        ObjectInfo info = upload.complete();
        return new ShardEntry(
            key, format, rows, info.size(), output.crc32c(),
            rows == 0 ? null : TimestampMicros.toInstant(minMicros), rows == 0 ? null : TimestampMicros.toInstant(maxMicros),
            partition.isEmpty() ? null : partition, snapshotId, format == ShardFormat.TFRECORD ? compression : null, blocks);
      } catch (IOException | RuntimeException e) {
        abort();
        throw e;
      }
    }

    void abort() {
      upload.abort();
      encoder.abort(); // its writes fail fast against the aborted upload
    }
  }
}
