package io.featurestore.client.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.format.arrow.ArrowSchemas;
import io.featurestore.format.tfrecord.ExampleDecoder;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * Every stream test on the TFRecord shards of a snapshot written in both formats, and the raw
 * records that TensorFlow-style consumers read.
 */
abstract class AbstractTfRecordStreamTest extends AbstractSnapshotStreamTest {
  @Override
  ShardFormat format() {
    return ShardFormat.TFRECORD;
  }

  @Test
  void snapshotHoldsBothFormatsWithTheSameRows() {
    assertThat(manifest().formats()).containsExactlyInAnyOrder(ShardFormat.PARQUET, ShardFormat.TFRECORD);
    ReadOptions options = ReadOptions.shuffled(21).withShuffleBlockRows(30_000).withBatchRows(4096);
    List<Long> fromTfRecord = read(options).ids();
    assertThat(fromTfRecord).hasSize(ROWS).doesNotHaveDuplicates();
    try (SnapshotStream parquet = new SnapshotStream(
        manifest(), shards(), options.withFormat(ShardFormat.PARQUET), null, POOL, allocator, 8L << 20)) {
      // Units differ between the formats, so only the set of rows is the same, not the shuffled order.
      assertThat(drain(parquet, Integer.MAX_VALUE).ids().stream().sorted().toList())
          .isEqualTo(fromTfRecord.stream().sorted().toList());
    }
  }

  @Test
  void rawRecordsAreTheExamplesInTheDecodedOrder() {
    ReadOptions options = ReadOptions.shuffled(5).withShuffleBlockRows(30_000).withBatchRows(4096).withWorker(1, 3);
    List<Long> decoded = read(options).ids();
    List<Long> raw = new ArrayList<>();
    ExampleDecoder ids = new ExampleDecoder(TestSnapshots.SCHEMA, List.of("id"));
    try (SnapshotStream stream = open(options.withRawRecords(), null);
        VectorSchemaRoot id = VectorSchemaRoot.create(
            new Schema(List.of(ArrowSchemas.toArrow(TestSnapshots.SCHEMA.columns().get(0)))), allocator)) {
      while (stream.next()) {
        assertThat(stream.batch().getSchema().getFields()).extracting(f -> f.getName()).containsExactly("record");
        VarBinaryVector records = (VarBinaryVector) stream.batch().getVector(0);
        for (int i = 0; i < stream.batch().getRowCount(); i++) {
          byte[] record = records.get(i);
          ids.decode(record, 0, record.length, id, 0);
          raw.add(((BigIntVector) id.getVector(0)).get(0));
        }
      }
    }
    assertThat(raw).isEqualTo(decoded);
    assertThatThrownBy(() -> options.withColumns(List.of("id")).withRawRecords())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("projected");
  }

  @Test
  void formatMissingFromTheSnapshotIsRefused() {
    SnapshotManifest m = manifest();
    SnapshotManifest parquetOnly = new SnapshotManifest(m.formatVersion(), m.featureSet(), m.version(), m.snapshotId(),
        m.sequenceNumber(), m.parentSnapshotId(), m.operation(), m.committedAt(), m.schema(), m.rowCount(), m.byteCount(),
        m.shards(ShardFormat.PARQUET));
    assertThatThrownBy(() -> open(parquetOnly, shards(), ReadOptions.ordered(), null, 1 << 20))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> {
          assertThat(e.code()).isEqualTo("format-not-in-snapshot");
          assertThat(e.getMessage()).contains("TFRECORD", "[PARQUET]");
        });
  }
}
