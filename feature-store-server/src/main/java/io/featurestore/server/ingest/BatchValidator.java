package io.featurestore.server.ingest;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import java.util.List;
import io.featurestore.format.arrow.TimestampMicros;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Checks what typed decoding cannot: no nulls in non-nullable columns (entity keys, the event
 * timestamp, required features), no null elements inside lists and vectors, and timestamps in
 * seconds or milliseconds that microseconds can hold. Errors name the row
 * (counted from 0 over the whole upload), the column and the value.
 */
final class BatchValidator {
  private final List<Column> columns;

  BatchValidator(FeatureSetSchema schema) {
    this.columns = schema.columns();
  }

  /** @param firstRow upload-wide index of the batch's first row */
  void check(VectorSchemaRoot batch, long firstRow) {
    int rows = batch.getRowCount();
    for (int c = 0; c < columns.size(); c++) {
      Column column = columns.get(c);
      FieldVector vector = batch.getVector(c);
      if (!column.nullable() && vector.getNullCount() > 0) {
        for (int row = 0; row < rows; row++) {
          if (vector.isNull(row)) {
            throw error(firstRow + row, column, "null value in a column that is not nullable");
          }
        }
      }
      TimestampMicros micros = vector instanceof TimeStampVector ? TimestampMicros.of(vector) : null;
      if (micros != null && micros.widens()) {
        for (int row = 0; row < rows; row++) {
          try {
            if (!vector.isNull(row)) {
              micros.get(row);
            }
          } catch (ArithmeticException e) {
            throw error(firstRow + row, column, "timestamp " + vector.getObject(row) + " is beyond the range of microseconds since the epoch");
          }
        }
      }
      if (vector instanceof ListVector list && list.getDataVector().getNullCount() > 0) {
        for (int row = 0; row < rows; row++) {
          if (!list.isNull(row)) {
            for (int i = list.getElementStartIndex(row); i < list.getElementEndIndex(row); i++) {
              if (list.getDataVector().isNull(i)) {
                throw error(firstRow + row, column, "null element at index " + (i - list.getElementStartIndex(row)));
              }
            }
          }
        }
      } else if (vector instanceof FixedSizeListVector fixed && fixed.getDataVector().getNullCount() > 0) {
        int size = fixed.getListSize();
        for (int row = 0; row < rows; row++) {
          for (int i = 0; i < size && !fixed.isNull(row); i++) {
            if (fixed.getDataVector().isNull(row * size + i)) {
              throw error(firstRow + row, column, "null element at index " + i);
            }
          }
        }
      }
    }
  }

  static FeatureStoreException error(long row, Column column, String problem) {
    return FeatureStoreException.invalid(
        "invalid-value", "row " + row + ", column '" + column.name() + "' (" + column.type() + "): " + problem);
  }
}
