package io.featurestore.client.read;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.client.shards.ShardSource;
import io.featurestore.format.arrow.ArrowSchemas;
import io.featurestore.format.parquet.ObjectInputFile;
import io.featurestore.format.parquet.ParquetBatchReader;
import io.featurestore.format.parquet.ReadBuffers;
import io.featurestore.format.parquet.ShardFooter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Parquet shards: units are row groups, described by the footer (read once per shard) and read by
 * column projection.
 */
final class ParquetUnits implements ShardUnits {
  private final FeatureSetSchema schema;
  private final ShardSource shards;
  private final List<String> columns;
  private final BufferAllocator allocator;
  private final Schema arrowSchema;
  /**
   * The column chunks of the row groups being read at once (4 loads of ~70 MiB with the server's
   * writer): a reader finishing one hands its buffers to the next. With room for one row group only
   * (64 MiB), most were allocated afresh; the gain was measured together with {@link
   * RecyclingMemory#forBudget} ({@code docs/benchmarks.md}).
   */
  private final ReadBuffers readBuffers = new ReadBuffers(256L << 20);
  /** Footers of the shards listed so far: a few KiB each, as many as the manifest has shards. */
  private final Map<ObjectKey, ShardFooter> footers = new ConcurrentHashMap<>();

  ParquetUnits(FeatureSetSchema schema, ShardSource shards, List<Column> columns, BufferAllocator allocator) {
    this.schema = schema;
    this.shards = shards;
    this.columns = columns.stream().map(Column::name).toList();
    this.allocator = allocator;
    this.arrowSchema = new Schema(columns.stream().map(ArrowSchemas::toArrow).toList());
  }

  @Override
  public Schema schema() {
    return arrowSchema;
  }

  @Override
  public List<UnitInfo> list(ShardEntry shard) throws IOException {
    List<UnitInfo> units = new ArrayList<>();
    for (ShardFooter.RowGroup g : footer(shard).rowGroups(schema.eventTimestamp())) {
      units.add(new UnitInfo(g.rows(), g.bytes(columns), g.minEventMicros(), g.maxEventMicros()));
    }
    return units;
  }

  /** The shard's footer, read once and kept: every row group's load needs it. */
  private ShardFooter footer(ShardEntry shard) throws IOException {
    ShardFooter footer = footers.get(shard.key());
    if (footer == null) {
      try (ObjectInput input = shards.peek(shard)) {
        footer = ShardFooter.read(new ObjectInputFile(shard.key().path(), input));
      }
      footers.put(shard.key(), footer);
    }
    return footer;
  }

  @Override
  public VectorSchemaRoot load(ShardEntry shard, int unit, long rows) throws IOException {
    ShardFooter footer = footer(shard);
    try (ObjectInput input = shards.open(shard);
        ParquetBatchReader reader =
            ParquetBatchReader.open(
                new ObjectInputFile(shard.key().path(), input), footer, readBuffers, schema, columns, allocator,
                Math.toIntExact(Math.max(1, rows)), new int[] {unit})) {
      reader.loadNext();
      return transfer(reader.root());
    }
  }

  /** Moves the reader's buffers into a root of our own, without copying. */
  private VectorSchemaRoot transfer(VectorSchemaRoot read) {
    List<FieldVector> vectors = new ArrayList<>();
    for (FieldVector vector : read.getFieldVectors()) {
      TransferPair pair = vector.getTransferPair(allocator);
      pair.transfer();
      vectors.add((FieldVector) pair.getTo());
    }
    return new VectorSchemaRoot(read.getSchema().getFields(), vectors, read.getRowCount());
  }
}
