package io.featurestore.server.ingest;

import io.featurestore.format.write.ShardWriteSettings;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Ingest settings ({@code feature-store.ingest.*}). Memory of one ingest is about
 * {@code batchMemory + rowGroupSize * maxOpenPartitions} plus the bucket's part buffers; the server
 * holds at most {@code maxConcurrent} of them.
 *
 * @param maxConcurrent uploads processed at once; more get 503 with Retry-After
 * @param batchRows rows decoded per batch from CSV and JSON uploads
 * @param batchMemory most memory one ingest's decoded batches may use (an Arrow IPC batch or a
 *     Parquet row group larger than this is refused, also the row groups a shard registration scans)
 * @param rowGroupSize Parquet row-group size (one row group per open shard is buffered), and the
 *     uncompressed size of a TFRecord block
 * @param pageSize Parquet page size
 * @param maxOpenPartitions shards open at once when partitioning by event date
 * @param spoolDirectory where Parquet uploads are staged (Parquet needs random access to its footer);
 *     empty for the system temporary directory
 */
@ConfigurationProperties("feature-store.ingest")
public record IngestProperties(
    @DefaultValue("2") int maxConcurrent,
    @DefaultValue("4096") int batchRows,
    @DefaultValue("256MB") DataSize batchMemory,
    @DefaultValue("64MB") DataSize rowGroupSize,
    @DefaultValue("1MB") DataSize pageSize,
    @DefaultValue("4") int maxOpenPartitions,
    Path spoolDirectory) {
  ShardWriteSettings shardSettings() {
    return new ShardWriteSettings(rowGroupSize.toBytes(), Math.toIntExact(pageSize.toBytes()), maxOpenPartitions);
  }
}
