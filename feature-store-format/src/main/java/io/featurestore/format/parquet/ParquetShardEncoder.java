package io.featurestore.format.parquet;

import io.featurestore.api.manifest.ManifestCodec;
import io.featurestore.api.manifest.ShardBlock;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.format.write.ShardEncoder;
import io.featurestore.format.write.ShardOutput;
import io.featurestore.format.write.ShardWriteSettings;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/** One Parquet shard, written by {@link ColumnarParquetWriter}; the schema travels in the file's metadata. */
public final class ParquetShardEncoder implements ShardEncoder {
  private final ColumnarParquetWriter writer;

  private ParquetShardEncoder(ColumnarParquetWriter writer) {
    this.writer = writer;
  }

  /** Encoders of one snapshot's Parquet shards; the Parquet schema and properties are worked out once. */
  public static ShardEncoder.Factory factory(
      FeatureSetSchema schema, String snapshotId, Compression compression, ShardWriteSettings settings) {
    MessageType parquetSchema = ParquetSchemas.toParquet(schema);
    ParquetProperties properties = properties(schema, settings);
    Map<String, String> metadata =
        Map.of("feature_store.schema", ManifestCodec.schemaToJson(schema), "feature_store.snapshot_id", snapshotId);
    CompressionCodecName codec = codec(compression);
    return output -> new ParquetShardEncoder(
        new ColumnarParquetWriter(
            new UploadOutputFile(output), schema, parquetSchema, properties, codec, settings.rowGroupBytes(), metadata));
  }

  @Override
  public void write(VectorSchemaRoot batch, int from, int to) throws IOException {
    writer.write(batch, from, to);
  }

  @Override
  public List<ShardBlock> finish() throws IOException {
    writer.close();
    return List.of();
  }

  @Override
  public void abort() {
    try {
      writer.close(); // releases compressors; its writes fail fast against the aborted upload
    } catch (IOException | RuntimeException ignored) {
      // the shard is being discarded
    }
  }

  private static ParquetProperties properties(FeatureSetSchema schema, ShardWriteSettings settings) {
    ParquetProperties.Builder builder =
        ParquetProperties.builder()
            .withPageSize(settings.pageBytes())
            .withDictionaryPageSize(settings.pageBytes())
            .withPageWriteChecksumEnabled(true)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
            .withDictionaryEncoding(true);
    for (Column c : schema.columns()) {
      ScalarType t = c.type().element();
      // Float features and embeddings rarely repeat: a dictionary would cost CPU and then be dropped.
      if (t == ScalarType.FLOAT32 || t == ScalarType.FLOAT64 || !c.type().isScalar()) {
        String path = c.type().isScalar() ? c.name() : c.name() + "." + ParquetSchemas.LIST_GROUP + "." + ParquetSchemas.ELEMENT;
        builder.withDictionaryEncoding(path, false);
      }
    }
    return builder.build();
  }

  private static CompressionCodecName codec(Compression compression) {
    return switch (compression) {
      case ZSTD -> CompressionCodecName.ZSTD;
      case SNAPPY -> CompressionCodecName.SNAPPY;
      case GZIP -> CompressionCodecName.GZIP;
      case NONE -> CompressionCodecName.UNCOMPRESSED;
    };
  }
}
