package io.featurestore.format.write;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes the data of one snapshot in every format its feature set asks for: each batch goes to one
 * {@link ShardedWriter} per format, so every format's shards hold the same rows, and they are
 * committed (or cleaned up) together. Not thread-safe.
 */
public final class SnapshotWriter implements AutoCloseable {
  private final ObjectStore store;
  private final List<ShardedWriter> writers = new ArrayList<>();

  /**
   * @throws io.featurestore.api.FeatureStoreException {@code tfrecord-unsupported-type} if a format
   *     cannot hold one of the schema's types; nothing has been written then
   */
  public SnapshotWriter(
      ObjectStore store, ObjectKey dataPrefix, String snapshotId, FeatureSetSchema schema, StorageOptions storage,
      ShardWriteSettings settings) {
    this.store = store;
    for (ShardFormat format : ShardFormat.values()) {
      if (storage.formats().contains(format)) {
        writers.add(new ShardedWriter(store, dataPrefix, snapshotId, schema, storage, format, settings));
      }
    }
  }

  /** Writes every row of a validated batch in every format; see {@link ShardedWriter#write}. */
  public void write(VectorSchemaRoot batch) throws IOException {
    for (ShardedWriter writer : writers) {
      writer.write(batch);
    }
  }

  /** Completes every shard; returns all of them, format by format (Parquet first), each in key order. */
  public List<ShardEntry> finish() throws IOException {
    List<ShardEntry> shards = new ArrayList<>();
    try {
      for (ShardedWriter writer : writers) {
        shards.addAll(writer.finish());
      }
    } catch (IOException | RuntimeException e) {
      // The formats finished so far no longer clean up on close: their shards go here.
      if (!shards.isEmpty()) {
        try {
          store.delete(shards.stream().map(ShardEntry::key).toList());
        } catch (IOException | RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
    return shards;
  }

  /** Unless {@link #finish()} succeeded, aborts and deletes everything written in every format. */
  @Override
  public void close() throws IOException {
    Exception failure = null;
    for (ShardedWriter writer : writers) {
      try {
        writer.close(); // every writer, even after another failed: each aborts its own uploads
      } catch (IOException | RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure != null) {
      throw (RuntimeException) failure;
    }
  }
}
