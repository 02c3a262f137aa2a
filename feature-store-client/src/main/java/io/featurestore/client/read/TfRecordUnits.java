package io.featurestore.client.read;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.ShardBlock;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.client.shards.ShardSource;
import io.featurestore.format.arrow.ArrowSchemas;
import io.featurestore.format.tfrecord.ExampleDecoder;
import io.featurestore.format.tfrecord.TfRecordInput;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * TFRecord shards: units are the blocks the manifest lists, each fetched with one ranged read and
 * its records' CRCs checked. Records are decoded from {@code tf.train.Example} into the projected
 * columns, or passed on as raw bytes in the column {@value #RECORD_COLUMN}.
 */
final class TfRecordUnits implements ShardUnits {
  /** The one column of raw reads: each record's bytes, a serialized {@code tf.train.Example}. */
  static final String RECORD_COLUMN = "record";
  private static final int READ_BUFFER = 256 * 1024;

  private final FeatureSetSchema schema;
  private final ShardSource shards;
  private final List<String> columns;
  private final boolean raw;
  private final BufferAllocator allocator;
  private final Schema arrowSchema;

  TfRecordUnits(FeatureSetSchema schema, ShardSource shards, List<Column> columns, boolean raw, BufferAllocator allocator) {
    this.schema = schema;
    this.shards = shards;
    this.columns = columns.stream().map(Column::name).toList();
    this.raw = raw;
    this.allocator = allocator;
    this.arrowSchema =
        raw ? new Schema(List.of(new Field(RECORD_COLUMN, FieldType.notNullable(ArrowType.Binary.INSTANCE), null)))
            : new Schema(columns.stream().map(ArrowSchemas::toArrow).toList());
  }

  @Override
  public Schema schema() {
    return arrowSchema;
  }

  @Override
  public List<UnitInfo> list(ShardEntry shard) {
    // Decoded columns take less memory than the Examples, which repeat every feature's name.
    return shard.blocks().stream()
        .map(b -> new UnitInfo(b.rows(), b.bytes(), b.minEventMicros(), b.maxEventMicros()))
        .toList();
  }

  @Override
  public VectorSchemaRoot load(ShardEntry shard, int unit, long rows) throws IOException {
    ShardBlock block = shard.blocks().get(unit);
    long end = unit + 1 < shard.blocks().size() ? shard.blocks().get(unit + 1).offset() : shard.bytes();
    boolean gzip = shard.compression() == Compression.GZIP;
    String source = "shard " + shard.key() + (gzip ? " (gzip block at byte " + block.offset() + ", offsets uncompressed)" : "");
    VectorSchemaRoot root = VectorSchemaRoot.create(arrowSchema, allocator);
    try (ObjectInput input = shards.open(shard);
        InputStream in = open(input.newStream(block.offset(), end - block.offset()), gzip)) {
      if (raw) { // the block's framed size bounds its records' bytes: no reallocation while copying them
        ((VarBinaryVector) root.getVector(0)).allocateNew(Math.max(1, block.bytes() - 16 * block.rows()), Math.toIntExact(rows));
      } else {
        for (FieldVector vector : root.getFieldVectors()) {
          vector.setInitialCapacity(Math.toIntExact(rows));
          vector.allocateNew();
        }
      }
      TfRecordInput records = new TfRecordInput(in, source, gzip ? 0 : block.offset());
      ExampleDecoder decoder = raw ? null : new ExampleDecoder(schema, columns);
      int row = 0;
      while (row < rows && records.next()) {
        if (raw) {
          ((VarBinaryVector) root.getVector(0)).setSafe(row, records.buffer(), 0, records.length());
        } else {
          decode(decoder, records, root, row, source);
        }
        row++;
      }
      if (row < rows || (rows == block.rows() && records.next())) {
        throw corrupt(
            source + ": the block at byte " + block.offset() + " does not hold the " + block.rows()
                + " records the manifest lists", null);
      }
      for (FieldVector vector : root.getFieldVectors()) {
        vector.setValueCount(row);
      }
      root.setRowCount(row);
      return root;
    } catch (ZipException e) {
      root.close();
      throw corrupt(source + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      root.close();
      throw e;
    }
  }

  private static InputStream open(InputStream range, boolean gzip) throws IOException {
    try {
      return new BufferedInputStream(gzip ? new GZIPInputStream(range, READ_BUFFER) : range, READ_BUFFER);
    } catch (IOException | RuntimeException e) {
      range.close();
      throw e;
    }
  }

  private static void decode(ExampleDecoder decoder, TfRecordInput records, VectorSchemaRoot root, int row, String source) {
    try {
      decoder.decode(records.buffer(), 0, records.length(), root, row);
    } catch (FeatureStoreException e) {
      throw new FeatureStoreException(
          e.kind(), e.code(), source + ": record at byte offset " + records.recordOffset() + ": " + e.getMessage(), e);
    }
  }

  private static FeatureStoreException corrupt(String message, Throwable cause) {
    return new FeatureStoreException(ErrorKind.INVALID_ARGUMENT, "corrupt-record", message, cause);
  }
}
