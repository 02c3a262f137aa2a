package io.featurestore.client.read;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.client.shards.ShardSource;
import io.featurestore.client.read.ReadPlan.Unit;
import io.featurestore.format.parquet.ObjectInputFile;
import io.featurestore.format.parquet.ParquetBatchReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;

/** Reads one unit (a row group, or the selected rows of one) of the projected columns into Arrow. Thread-safe. */
final class UnitLoader {
  private final SnapshotManifest manifest;
  private final ShardSource shards;
  private final List<String> columns;
  private final BufferAllocator allocator;

  UnitLoader(SnapshotManifest manifest, ShardSource shards, List<String> columns, BufferAllocator allocator) {
    this.manifest = manifest;
    this.shards = shards;
    this.columns = columns;
    this.allocator = allocator;
  }

  /** The unit's rows in a root the caller owns and closes. */
  VectorSchemaRoot load(Unit unit) {
    ShardEntry shard = manifest.shards().get(unit.shard());
    try (ObjectInput input = shards.open(shard);
        ParquetBatchReader reader =
            ParquetBatchReader.open(
                new ObjectInputFile(shard.key().path(), input), manifest.schema(), columns, allocator,
                Math.toIntExact(Math.max(1, unitRowGroupRows(unit))), new int[] {unit.rowGroup()})) {
      reader.loadNext();
      VectorSchemaRoot read = reader.root();
      return unit.selection() == null ? transfer(read) : select(read, unit.selection());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read shard " + shard.key(), e);
    }
  }

  private static long unitRowGroupRows(Unit unit) {
    // A selection's indexes point into the whole row group, which is read in one batch.
    return unit.selection() == null ? unit.rows() : unit.selection()[unit.selection().length - 1] + 1L;
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

  private VectorSchemaRoot select(VectorSchemaRoot read, int[] rows) {
    VectorSchemaRoot result = VectorSchemaRoot.create(read.getSchema(), allocator);
    try {
      for (int c = 0; c < read.getFieldVectors().size(); c++) {
        FieldVector from = read.getVector(c);
        FieldVector to = result.getVector(c);
        to.setInitialCapacity(rows.length);
        to.allocateNew();
        for (int i = 0; i < rows.length; i++) {
          to.copyFromSafe(rows[i], i, from);
        }
        to.setValueCount(rows.length);
      }
      result.setRowCount(rows.length);
      return result;
    } catch (RuntimeException e) {
      result.close();
      throw e;
    }
  }
}
