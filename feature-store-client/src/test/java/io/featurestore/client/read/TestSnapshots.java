package io.featurestore.client.read;

import io.featurestore.api.manifest.BucketLayout;
import io.featurestore.api.manifest.ManifestCodec;
import io.featurestore.api.manifest.Operation;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.Partitioning;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.format.arrow.ArrowSchemas;
import io.featurestore.format.write.ShardWriteSettings;
import io.featurestore.format.write.SnapshotWriter;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * Snapshots written the way the server writes them (sharded Parquet and/or TFRecord + manifest) with rows whose
 * values follow from their id: {@code event_time} = T0 + id seconds, {@code score} = id / 10 (null
 * for multiples of 7), {@code embedding} = [id, id + 1, id + 2, id + 3] (null for multiples of 11). Small row groups and shards make many units.
 */
final class TestSnapshots {
  static final long T0_MICROS = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
  static final FeatureSetSchema SCHEMA =
      new FeatureSetSchema(
          List.of(Column.required("id", FeatureType.scalar(ScalarType.INT64))),
          "event_time",
          List.of(
              Column.optional("score", FeatureType.scalar(ScalarType.FLOAT32)),
              Column.optional("embedding", FeatureType.vector(ScalarType.FLOAT32, 4))));

  private TestSnapshots() {}

  static Float score(long id) {
    return id % 7 == 0 ? null : id / 10f;
  }

  static List<Float> embedding(long id) {
    return id % 11 == 0 ? null : List.of((float) id, id + 1f, id + 2f, id + 3f);
  }

  static Instant time(long id) {
    return Instant.ofEpochSecond(T0_MICROS / 1_000_000 + id);
  }

  /** Writes rows 0 .. rows-1 as Parquet and their manifest; returns the manifest. */
  static SnapshotManifest write(ObjectStore store, String featureSet, int rows) throws Exception {
    return write(store, featureSet, rows, Set.of(ShardFormat.PARQUET), Compression.NONE);
  }

  /** Writes rows 0 .. rows-1 in each format and their manifest; returns the manifest. */
  static SnapshotManifest write(
      ObjectStore store, String featureSet, int rows, Set<ShardFormat> formats, Compression tfrecordCompression)
      throws Exception {
    String snapshotId = UUID.randomUUID().toString();
    StorageOptions storage = new StorageOptions(formats, 600 * 1024, Compression.SNAPPY, Partitioning.NONE, tfrecordCompression);
    List<ShardEntry> shards;
    try (RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.toArrow(SCHEMA), allocator);
        SnapshotWriter writer =
            new SnapshotWriter(
                store, BucketLayout.data(featureSet, 1, snapshotId), snapshotId, SCHEMA, storage,
                new ShardWriteSettings(1024 * 1024, 64 * 1024, 1))) {
      int batch = 10_000;
      for (int first = 0; first < rows; first += batch) {
        int n = Math.min(batch, rows - first);
        for (FieldVector v : root.getFieldVectors()) {
          v.setInitialCapacity(n);
        }
        root.allocateNew();
        FixedSizeListVector embedding = (FixedSizeListVector) root.getVector("embedding");
        Float4Vector values = (Float4Vector) embedding.getDataVector();
        for (int i = 0; i < n; i++) {
          long id = first + i;
          ((BigIntVector) root.getVector("id")).set(i, id);
          ((TimeStampMicroTZVector) root.getVector("event_time")).set(i, T0_MICROS + id * 1_000_000);
          if (id % 7 != 0) {
            ((Float4Vector) root.getVector("score")).set(i, id / 10f);
          }
          if (id % 11 != 0) {
            embedding.setNotNull(i);
            for (int d = 0; d < 4; d++) {
              values.set(i * 4 + d, id + d);
            }
          }
        }
        values.setValueCount(n * 4);
        root.setRowCount(n);
        writer.write(root);
      }
      shards = writer.finish();
    }
    SnapshotManifest manifest =
        new SnapshotManifest(
            SnapshotManifest.FORMAT_VERSION, featureSet, 1, snapshotId, 1, null, Operation.APPEND, Instant.now(), SCHEMA,
            SnapshotManifest.rowsOfWrite(shards), shards.stream().mapToLong(ShardEntry::bytes).sum(), shards);
    store.put(BucketLayout.manifest(featureSet, 1, 1, snapshotId), ManifestCodec.toJson(manifest));
    return manifest;
  }
}
