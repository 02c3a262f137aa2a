package io.featurestore.client.read;

import io.featurestore.format.arrow.TimestampMicros;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.Text;

/**
 * One row of a batch as plain Java values, for callers that do not use Arrow: Boolean, Integer,
 * Long, Float, Double, String, byte[], {@link java.time.Instant} (timestamps) and List (lists and vectors); null for
 * null. A view: valid only as long as the batch it came from.
 */
public final class Row {
  private final VectorSchemaRoot batch;
  private final int index;

  Row(VectorSchemaRoot batch, int index) {
    this.batch = batch;
    this.index = index;
  }

  /** The value of a column read by this stream. */
  public Object get(String column) {
    FieldVector vector = batch.getVector(column);
    if (vector == null) {
      throw new IllegalArgumentException("column '" + column + "' was not read; columns: " + batch.getSchema().getFields());
    }
    if (vector.isNull(index)) {
      return null;
    }
    if (vector instanceof TimeStampVector time) {
      return TimestampMicros.toInstant(time.get(index)); // batches hold UTC microseconds
    }
    Object value = vector.getObject(index);
    if (value instanceof Text text) {
      return text.toString();
    }
    if (value instanceof List<?> list) {
      return List.copyOf(list);
    }
    return value;
  }
}
