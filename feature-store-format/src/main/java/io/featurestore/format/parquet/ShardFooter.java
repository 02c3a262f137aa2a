package io.featurestore.format.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * What a reader plans with, from a shard's footer alone: the row groups, their row counts and, where
 * the writer kept statistics, the event-time range of each (in microseconds).
 */
public final class ShardFooter {
  private final ParquetMetadata metadata;

  private ShardFooter(ParquetMetadata metadata) {
    this.metadata = metadata;
  }

  /** The parsed footer, for opening {@link ParquetBatchReader}s without reading it again. */
  ParquetMetadata metadata() {
    return metadata;
  }

  /**
   * One row group.
   *
   * @param rows rows in the row group
   * @param minEventMicros smallest event time, or null when the file has no usable statistics
   * @param maxEventMicros largest event time, or null when the file has no usable statistics
   * @param columnBytes uncompressed bytes of each top-level column's chunk: about its size in Arrow
   */
  public record RowGroup(long rows, Long minEventMicros, Long maxEventMicros, Map<String, Long> columnBytes) {
    public RowGroup {
      columnBytes = Map.copyOf(columnBytes);
    }

    /** Uncompressed bytes of the given columns, or of all when {@code columns} is empty. */
    public long bytes(Collection<String> columns) {
      return columnBytes.entrySet().stream()
          .filter(e -> columns.isEmpty() || columns.contains(e.getKey()))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }
  }

  /**
   * Reads the footer. Keep it to open readers of the same file without reading it again.
   *
   * @throws io.featurestore.api.FeatureStoreException {@code malformed-parquet} if it is not Parquet
   */
  public static ShardFooter read(InputFile file) {
    try (ParquetFileReader reader = ParquetBatchReader.openFile(file, null, new PageDecompression(), null)) {
      return new ShardFooter(reader.getFooter());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the footer reader of '" + file + "'", e);
    }
  }

  /** The row groups, with the event-time range of each from the statistics of {@code eventTimestampColumn}. */
  public List<RowGroup> rowGroups(String eventTimestampColumn) {
      List<RowGroup> result = new ArrayList<>();
      for (BlockMetaData block : metadata.getBlocks()) {
        ColumnChunkMetaData time =
            block.getColumns().stream()
                .filter(c -> c.getPath().size() == 1 && c.getPath().toArray()[0].equals(eventTimestampColumn))
                .findFirst()
                .orElse(null);
        Long min = null;
        Long max = null;
        long factor = time == null ? 0 : microsPerUnit(time.getPrimitiveType());
        if (factor != 0) {
          Statistics<?> stats = time.getStatistics();
          if (stats != null && stats.hasNonNullValue() && stats.genericGetMin() instanceof Long lo
              && stats.genericGetMax() instanceof Long hi) {
            min = convert(lo, factor);
            max = convert(hi, factor);
          }
        }
        Map<String, Long> bytes = new HashMap<>();
        for (ColumnChunkMetaData chunk : block.getColumns()) {
          bytes.merge(chunk.getPath().toArray()[0], chunk.getTotalUncompressedSize(), Long::sum);
        }
        result.add(new RowGroup(block.getRowCount(), min, max, bytes));
      }
      return result;
  }

  /** Positive: micros per unit; negative: units per micro (nanos); 0: not an INT64 timestamp. */
  private static long microsPerUnit(PrimitiveType type) {
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    if (type.getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.INT64
        || !(logical instanceof TimestampLogicalTypeAnnotation timestamp)) {
      return 0;
    }
    return switch (timestamp.getUnit()) {
      case MILLIS -> 1000;
      case MICROS -> 1;
      case NANOS -> -1000;
    };
  }

  private static long convert(long value, long factor) {
    return factor > 0 ? value * factor : Math.floorDiv(value, -factor);
  }
}
