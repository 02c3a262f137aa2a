package io.featurestore.benchmarks;

import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.format.arrow.TimestampMicros;
import io.featurestore.format.parquet.ParquetSchemas;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * The ingest benchmark's baseline: parquet-java's record API ({@code ParquetWriter} with a
 * {@code WriteSupport}), the usual way to write Parquet from Java, fed straight from Arrow vectors
 * (a record is the index of a row in the batch bound by {@link #bind(VectorSchemaRoot)}; no row
 * objects are built). The server writes through its own column-at-a-time writer instead.
 */
final class RecordApiWriteSupport extends WriteSupport<Integer> {
  private final FeatureSetSchema schema;
  private final MessageType parquetSchema;
  private final Map<String, String> metadata;
  private RecordConsumer consumer;
  private RowWriter[] writers;

  RecordApiWriteSupport(FeatureSetSchema schema, MessageType parquetSchema, Map<String, String> metadata) {
    this.schema = schema;
    this.parquetSchema = parquetSchema;
    this.metadata = metadata;
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(parquetSchema, metadata);
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  /** Binds the batch whose rows the following {@link #write} calls refer to. */
  void bind(VectorSchemaRoot batch) {
    List<Column> columns = schema.columns();
    RowWriter[] bound = new RowWriter[columns.size()];
    for (int i = 0; i < bound.length; i++) {
      bound[i] = writer(columns.get(i), i, batch.getVector(i));
    }
    this.writers = bound;
  }

  @Override
  public void write(Integer row) {
    int r = row;
    consumer.startMessage();
    for (RowWriter w : writers) {
      w.write(r);
    }
    consumer.endMessage();
  }

  private interface RowWriter {
    void write(int row);
  }

  private interface ElementWriter {
    void write(int index);
  }

  private RowWriter writer(Column column, int index, FieldVector vector) {
    String name = column.name();
    FeatureType type = column.type();
    if (type.isScalar()) {
      ElementWriter value = scalar(vector, type);
      return row -> {
        if (!vector.isNull(row)) {
          consumer.startField(name, index);
          value.write(row);
          consumer.endField(name, index);
        }
      };
    }
    if (vector instanceof FixedSizeListVector fixed) {
      int dimension = fixed.getListSize();
      ElementWriter element = scalar(fixed.getDataVector(), FeatureType.scalar(type.element()));
      return row -> {
        if (!vector.isNull(row)) {
          writeList(name, index, element, row * dimension, row * dimension + dimension);
        }
      };
    }
    ListVector list = (ListVector) vector;
    ElementWriter element = scalar(list.getDataVector(), FeatureType.scalar(type.element()));
    return row -> {
      if (!vector.isNull(row)) {
        ArrowBuf offsets = list.getOffsetBuffer();
        int start = offsets.getInt((long) row * ListVector.OFFSET_WIDTH);
        int end = offsets.getInt((long) (row + 1) * ListVector.OFFSET_WIDTH);
        writeList(name, index, element, start, end);
      }
    };
  }

  private void writeList(String name, int index, ElementWriter element, int start, int end) {
    consumer.startField(name, index);
    consumer.startGroup();
    if (end > start) {
      consumer.startField(ParquetSchemas.LIST_GROUP, 0);
      for (int j = start; j < end; j++) {
        consumer.startGroup();
        consumer.startField(ParquetSchemas.ELEMENT, 0);
        element.write(j);
        consumer.endField(ParquetSchemas.ELEMENT, 0);
        consumer.endGroup();
      }
      consumer.endField(ParquetSchemas.LIST_GROUP, 0);
    }
    consumer.endGroup();
    consumer.endField(name, index);
  }

  private ElementWriter scalar(FieldVector vector, FeatureType type) {
    return switch (type.element()) {
      case BOOL -> {
        BitVector v = (BitVector) vector;
        yield i -> consumer.addBoolean(v.get(i) != 0);
      }
      case INT32 -> {
        IntVector v = (IntVector) vector;
        yield i -> consumer.addInteger(v.get(i));
      }
      case INT64 -> {
        BigIntVector v = (BigIntVector) vector;
        yield i -> consumer.addLong(v.get(i));
      }
      case FLOAT32 -> {
        Float4Vector v = (Float4Vector) vector;
        yield i -> consumer.addFloat(v.get(i));
      }
      case FLOAT64 -> {
        Float8Vector v = (Float8Vector) vector;
        yield i -> consumer.addDouble(v.get(i));
      }
      case TIMESTAMP -> {
        TimestampMicros v = TimestampMicros.of(vector);
        yield i -> consumer.addLong(v.get(i));
      }
      case STRING, BYTES -> {
        BaseVariableWidthVector v = (BaseVariableWidthVector) vector;
        yield i -> {
          int start = v.getStartOffset(i);
          int length = v.getValueLength(i);
          // "Reused": Parquet copies the bytes if it keeps them (dictionaries, statistics).
          consumer.addBinary(Binary.fromReusedByteBuffer(v.getDataBuffer().nioBuffer(start, length)));
        };
      }
    };
  }
}
