package io.featurestore.client.read;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.client.shards.ShardSource;
import io.featurestore.format.arrow.TimestampMicros;
import io.featurestore.format.parquet.ObjectInputFile;
import io.featurestore.format.parquet.ParquetBatchReader;
import io.featurestore.format.parquet.ShardFooter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The units of a read: every row group of the snapshot's shards that holds rows in the event-time
 * range, in snapshot order. Shards are skipped by the manifest's event-time ranges and row groups by
 * their footer statistics; where a row group straddles the range (or has no statistics), its event
 * times are read once to select the rows inside, so that row counts are exact before any data is
 * read and every worker plans the same.
 */
final class ReadPlan {
  /**
   * @param shard index of the shard in the manifest
   * @param rowGroup row group within the shard
   * @param firstRow index within the shard of the row group's first row
   * @param selection rows of the row group in the range, ascending, or null for all
   * @param rows rows the unit contributes
   * @param bytes estimated memory of the unit's projected columns once decoded
   */
  record Unit(int shard, int rowGroup, long firstRow, int[] selection, long rows, long bytes) {}

  private final List<Unit> units;

  private ReadPlan(List<Unit> units) {
    this.units = List.copyOf(units);
  }

  List<Unit> units() {
    return units;
  }

  long[] unitRows() {
    return units.stream().mapToLong(Unit::rows).toArray();
  }

  static ReadPlan build(
      SnapshotManifest manifest, ShardSource shards, ReadOptions options, ExecutorService pool, BufferAllocator allocator) {
    Long from = micros(options.eventTimeFrom());
    Long to = micros(options.eventTimeTo());
    List<CompletableFuture<List<Unit>>> footers = new ArrayList<>();
    for (int s = 0; s < manifest.shards().size(); s++) {
      ShardEntry shard = manifest.shards().get(s);
      if (shard.rows() == 0 || !overlaps(micros(shard.minEventTime()), micros(shard.maxEventTime()), from, to)) {
        continue;
      }
      int index = s;
      footers.add(CompletableFuture.supplyAsync(() -> shardUnits(manifest, index, shards, options, from, to, allocator), pool));
    }
    List<Unit> units = new ArrayList<>();
    try {
      for (CompletableFuture<List<Unit>> footer : footers) {
        units.addAll(footer.join());
      }
    } catch (CompletionException e) {
      footers.forEach(f -> f.cancel(true));
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    return new ReadPlan(units);
  }

  private static List<Unit> shardUnits(
      SnapshotManifest manifest, int shard, ShardSource shards, ReadOptions options, Long from, Long to,
      BufferAllocator allocator) {
    ShardEntry entry = manifest.shards().get(shard);
    String time = manifest.schema().eventTimestamp();
    try (ObjectInput input = shards.open(entry)) {
      ObjectInputFile file = new ObjectInputFile(entry.key().path(), input);
      List<ShardFooter.RowGroup> rowGroups = ShardFooter.read(file, time);
      List<Unit> units = new ArrayList<>();
      long firstRow = 0;
      for (int g = 0; g < rowGroups.size(); firstRow += rowGroups.get(g).rows(), g++) {
        ShardFooter.RowGroup rowGroup = rowGroups.get(g);
        long bytes = rowGroup.bytes(options.columns());
        boolean filtered = from != null || to != null;
        boolean known = rowGroup.minEventMicros() != null;
        if (rowGroup.rows() == 0 || (known && !overlaps(rowGroup.minEventMicros(), rowGroup.maxEventMicros(), from, to))) {
          continue;
        }
        if (!filtered || (known && inside(rowGroup.minEventMicros(), rowGroup.maxEventMicros(), from, to))) {
          units.add(new Unit(shard, g, firstRow, null, rowGroup.rows(), bytes));
          continue;
        }
        int[] selection = select(file, manifest, g, (int) rowGroup.rows(), from, to, allocator);
        if (selection.length > 0) {
          units.add(new Unit(shard, g, firstRow, selection, selection.length, bytes * selection.length / rowGroup.rows()));
        }
      }
      return units;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the footer of shard " + entry.key(), e);
    }
  }

  /** Rows of the row group whose event time is in the range. */
  private static int[] select(
      ObjectInputFile file, SnapshotManifest manifest, int rowGroup, int rows, Long from, Long to, BufferAllocator allocator) {
    String time = manifest.schema().eventTimestamp();
    try (ParquetBatchReader reader =
        ParquetBatchReader.open(file, manifest.schema(), List.of(time), allocator, rows, new int[] {rowGroup})) {
      reader.loadNext();
      TimestampMicros values = TimestampMicros.of(reader.root().getVector(0));
      int[] selected = new int[reader.root().getRowCount()];
      int n = 0;
      for (int row = 0; row < selected.length; row++) {
        long micros = values.get(row);
        if ((from == null || micros >= from) && (to == null || micros < to)) {
          selected[n++] = row;
        }
      }
      return java.util.Arrays.copyOf(selected, n);
    }
  }

  private static boolean overlaps(Long min, Long max, Long from, Long to) {
    return min == null || ((to == null || min < to) && (from == null || max >= from));
  }

  private static boolean inside(long min, long max, Long from, Long to) {
    return (from == null || min >= from) && (to == null || max < to);
  }

  private static Long micros(Instant instant) {
    return instant == null ? null : TimestampMicros.fromInstant(instant);
  }
}
