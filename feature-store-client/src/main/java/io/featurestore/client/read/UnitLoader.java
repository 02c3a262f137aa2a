package io.featurestore.client.read;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.client.read.ReadPlan.Unit;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Reads one unit of a plan (all its rows, or the selected ones) into Arrow. Thread-safe. */
final class UnitLoader {
  private final SnapshotManifest manifest;
  private final ShardUnits units;
  private final BufferAllocator allocator;

  UnitLoader(SnapshotManifest manifest, ShardUnits units, BufferAllocator allocator) {
    this.manifest = manifest;
    this.units = units;
    this.allocator = allocator;
  }

  /** The unit's rows in a root the caller owns and closes. */
  VectorSchemaRoot load(Unit unit) {
    ShardEntry shard = manifest.shards().get(unit.shard());
    // A selection's indexes point into the whole unit, which is read in one piece.
    long rows = unit.selection() == null ? unit.rows() : unit.selection()[unit.selection().length - 1] + 1L;
    try {
      VectorSchemaRoot read = units.load(shard, unit.index(), rows);
      if (unit.selection() == null) {
        return read;
      }
      try (read) {
        return select(read, unit.selection());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read shard " + shard.key(), e);
    }
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
