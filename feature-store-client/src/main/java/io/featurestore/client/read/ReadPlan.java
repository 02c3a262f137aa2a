package io.featurestore.client.read;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.client.read.ShardUnits.UnitInfo;
import io.featurestore.format.arrow.TimestampMicros;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The units of a read: every unit (Parquet row group, TFRecord block) of the snapshot's shards in
 * one format that holds rows in the event-time range, in snapshot order. Shards are skipped by the
 * manifest's event-time ranges and units by their statistics; where a unit straddles the range (or
 * has no statistics), its event times are read once to select the rows inside, so that row counts
 * are exact before any data is read and every worker plans the same.
 */
final class ReadPlan {
  /**
   * @param shard index of the shard in the manifest
   * @param index the unit's index within the shard
   * @param firstRow index within the shard of the unit's first row
   * @param selection rows of the unit in the range, ascending, or null for all
   * @param rows rows the unit contributes
   * @param bytes estimated memory of the unit once loaded
   */
  record Unit(int shard, int index, long firstRow, int[] selection, long rows, long bytes) {}

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

  /**
   * @param data the reader of the columns the read delivers; gives the units and their sizes
   * @param eventTimes the reader of the event-time column alone, for units straddling the range
   */
  static ReadPlan build(
      SnapshotManifest manifest, ShardFormat format, ShardUnits data, ShardUnits eventTimes, ReadOptions options,
      ExecutorService pool) {
    Long from = micros(options.eventTimeFrom());
    Long to = micros(options.eventTimeTo());
    List<CompletableFuture<List<Unit>>> shardUnits = new ArrayList<>();
    for (int s = 0; s < manifest.shards().size(); s++) {
      ShardEntry shard = manifest.shards().get(s);
      if (shard.format() != format || shard.rows() == 0
          || !overlaps(micros(shard.minEventTime()), micros(shard.maxEventTime()), from, to)) {
        continue;
      }
      int index = s;
      shardUnits.add(CompletableFuture.supplyAsync(() -> shardUnits(manifest, index, data, eventTimes, from, to), pool));
    }
    List<Unit> units = new ArrayList<>();
    try {
      for (CompletableFuture<List<Unit>> future : shardUnits) {
        units.addAll(future.join());
      }
    } catch (CompletionException e) {
      shardUnits.forEach(f -> f.cancel(false)); // those not started never start
      for (CompletableFuture<List<Unit>> running : shardUnits) {
        try {
          running.join(); // the caller frees the memory they use once they are done
        } catch (CompletionException | CancellationException ignored) {
          // the first failure is the one thrown
        }
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    return new ReadPlan(units);
  }

  private static List<Unit> shardUnits(
      SnapshotManifest manifest, int shard, ShardUnits data, ShardUnits eventTimes, Long from, Long to) {
    ShardEntry entry = manifest.shards().get(shard);
    try {
      List<UnitInfo> infos = data.list(entry);
      List<Unit> units = new ArrayList<>();
      boolean filtered = from != null || to != null;
      long firstRow = 0;
      for (int u = 0; u < infos.size(); firstRow += infos.get(u).rows(), u++) {
        UnitInfo info = infos.get(u);
        boolean known = info.minEventMicros() != null;
        if (info.rows() == 0 || (known && !overlaps(info.minEventMicros(), info.maxEventMicros(), from, to))) {
          continue;
        }
        if (!filtered || (known && inside(info.minEventMicros(), info.maxEventMicros(), from, to))) {
          units.add(new Unit(shard, u, firstRow, null, info.rows(), info.bytes()));
          continue;
        }
        int[] selection = select(eventTimes, entry, u, info.rows(), from, to);
        if (selection.length > 0) {
          units.add(new Unit(shard, u, firstRow, selection, selection.length, info.bytes() * selection.length / info.rows()));
        }
      }
      return units;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read shard " + entry.key(), e);
    }
  }

  /** Rows of the unit whose event time is in the range. */
  private static int[] select(ShardUnits eventTimes, ShardEntry shard, int unit, long rows, Long from, Long to)
      throws IOException {
    try (VectorSchemaRoot times = eventTimes.load(shard, unit, rows)) {
      TimestampMicros values = TimestampMicros.of(times.getVector(0));
      int[] selected = new int[times.getRowCount()];
      int n = 0;
      for (int row = 0; row < selected.length; row++) {
        long micros = values.get(row);
        if ((from == null || micros >= from) && (to == null || micros < to)) {
          selected[n++] = row;
        }
      }
      return Arrays.copyOf(selected, n);
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
