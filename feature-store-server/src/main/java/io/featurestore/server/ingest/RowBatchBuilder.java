package io.featurestore.server.ingest;

import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.format.arrow.ArrowSchemas;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Builds Arrow batches row by row from canonical Java values (see {@link Values}), for the text
 * formats. A cell left unset is null. The builder owns its batch; it is reused for every batch.
 */
final class RowBatchBuilder implements AutoCloseable {
  private final List<Column> columns;
  private final VectorSchemaRoot root;
  private int rows;

  RowBatchBuilder(FeatureSetSchema schema, BufferAllocator allocator) {
    this.columns = schema.columns();
    this.root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
    root.allocateNew();
  }

  int rows() {
    return rows;
  }

  /** Starts a new row; returns its index in the batch. */
  int newRow() {
    return rows++;
  }

  /** Sets a scalar cell. */
  void set(int column, int row, Object value) {
    setScalar(root.getVector(column), row, columns.get(column).type().element(), value);
  }

  /** Sets a list or vector cell; the caller has checked a vector's length. */
  void setList(int column, int row, List<Object> values) {
    FieldVector vector = root.getVector(column);
    ScalarType element = columns.get(column).type().element();
    if (vector instanceof FixedSizeListVector fixed) {
      int start = row * fixed.getListSize();
      for (int i = 0; i < values.size(); i++) {
        setScalar(fixed.getDataVector(), start + i, element, values.get(i));
      }
      fixed.setNotNull(row);
    } else {
      ListVector list = (ListVector) vector;
      int start = list.startNewValue(row);
      for (int i = 0; i < values.size(); i++) {
        setScalar(list.getDataVector(), start + i, element, values.get(i));
      }
      list.endValue(row, values.size());
    }
  }

  FeatureType type(int column) {
    return columns.get(column).type();
  }

  /** The rows added since the last call, as a batch valid until the next call. */
  VectorSchemaRoot finishBatch() {
    for (int c = 0; c < columns.size(); c++) {
      FieldVector vector = root.getVector(c);
      if (vector instanceof FixedSizeListVector fixed) {
        fixed.getDataVector().setValueCount(rows * fixed.getListSize());
      }
    }
    root.setRowCount(rows);
    return root;
  }

  /** Empties the batch for the next rows. */
  void reset() {
    root.clear();
    root.allocateNew();
    rows = 0;
  }

  private static void setScalar(FieldVector vector, int index, ScalarType type, Object value) {
    switch (type) {
      case BOOL -> ((BitVector) vector).setSafe(index, (Boolean) value ? 1 : 0);
      case INT32 -> ((IntVector) vector).setSafe(index, (Integer) value);
      case INT64 -> ((BigIntVector) vector).setSafe(index, (Long) value);
      case FLOAT32 -> ((Float4Vector) vector).setSafe(index, (Float) value);
      case FLOAT64 -> ((Float8Vector) vector).setSafe(index, (Double) value);
      case STRING -> ((VarCharVector) vector).setSafe(index, ((String) value).getBytes(StandardCharsets.UTF_8));
      case BYTES -> ((VarBinaryVector) vector).setSafe(index, (byte[]) value);
      case TIMESTAMP -> ((TimeStampVector) vector).setSafe(index, (Long) value);
    }
  }

  @Override
  public void close() {
    root.close();
  }
}
