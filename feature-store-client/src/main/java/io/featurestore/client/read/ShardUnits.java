package io.featurestore.client.read;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.client.shards.ShardSource;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * How the client reads one shard format, unit by unit: Parquet row groups or TFRecord blocks, the
 * pieces of a shard that are fetched and decoded on their own. Implementations are thread-safe.
 */
interface ShardUnits {
  /**
   * A unit of a shard, before it is read.
   *
   * @param rows rows in the unit
   * @param bytes estimated memory of the unit once loaded
   * @param minEventMicros smallest event time, or null when the format does not say
   * @param maxEventMicros largest event time, or null when the format does not say
   */
  record UnitInfo(long rows, long bytes, Long minEventMicros, Long maxEventMicros) {}

  /** The schema of the roots {@link #load} returns. */
  Schema schema();

  /** The shard's units in order. */
  List<UnitInfo> list(ShardEntry shard) throws IOException;

  /** Reads the first {@code rows} rows of unit {@code unit} of the shard into a root the caller owns and closes. */
  VectorSchemaRoot load(ShardEntry shard, int unit, long rows) throws IOException;

  /**
   * The reader of the manifest's shards in {@code format}.
   *
   * @param columns the columns to read, empty for all
   * @throws io.featurestore.api.FeatureStoreException {@code unknown-column} for a column not in the schema
   * @param rawRecords TFRecord only: each record's bytes in one binary column instead of decoded columns
   */
  static ShardUnits of(
      ShardFormat format, SnapshotManifest manifest, ShardSource shards, List<String> columns, boolean rawRecords,
      BufferAllocator allocator) {
    List<Column> projected = Projection.columns(manifest.schema(), manifest.featureSet(), columns);
    return switch (format) {
      case PARQUET -> new ParquetUnits(manifest.schema(), shards, projected, allocator);
      case TFRECORD -> new TfRecordUnits(manifest.schema(), shards, projected, rawRecords, allocator);
    };
  }
}
