package io.featurestore.client.read;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * Copies rows picked from several source vectors into one target vector, column by column. Fixed-
 * width values and fixed-size lists of them (embeddings) are copied as bytes; other types go
 * through Arrow's per-value copy.
 */
final class Gather {
  private Gather() {}

  /**
   * Sets {@code target[at + i] = sources[unit[i]][row[i]]} for {@code i < n}; the target has room
   * for {@code at + n} values.
   */
  static void copy(FieldVector target, FieldVector[] sources, int[] unit, int[] row, int at, int n) {
    if (target instanceof BaseFixedWidthVector fixed && !(target instanceof BitVector)) {
      copyFixed(fixed, sources, unit, row, at, n, fixed.getTypeWidth());
    } else if (target instanceof FixedSizeListVector list
        && list.getDataVector() instanceof BaseFixedWidthVector values
        && !(values instanceof BitVector)) {
      copyFixedList(list, sources, unit, row, at, n, list.getListSize(), values.getTypeWidth());
    } else {
      for (int i = 0; i < n; i++) {
        target.copyFromSafe(row[i], at + i, sources[unit[i]]);
      }
    }
  }

  private static void copyFixed(BaseFixedWidthVector target, FieldVector[] sources, int[] unit, int[] row, int at, int n, int width) {
    ensure(target, at + n);
    ArrowBuf data = target.getDataBuffer();
    ArrowBuf validity = target.getValidityBuffer();
    for (int i = 0; i < n; i++) {
      FieldVector source = sources[unit[i]];
      int r = row[i];
      boolean present = !source.isNull(r);
      BitVectorHelper.setValidityBit(validity, at + i, present ? 1 : 0);
      if (present) {
        data.setBytes((long) (at + i) * width, source.getDataBuffer(), (long) r * width, width);
      }
    }
  }

  private static void copyFixedList(
      FixedSizeListVector target, FieldVector[] sources, int[] unit, int[] row, int at, int n, int size, int width) {
    ensure(target, at + n);
    BaseFixedWidthVector values = (BaseFixedWidthVector) target.getDataVector();
    ensure(values, (at + n) * size);
    ArrowBuf data = values.getDataBuffer();
    ArrowBuf valueValidity = values.getValidityBuffer();
    ArrowBuf validity = target.getValidityBuffer();
    long bytes = (long) size * width;
    for (int i = 0; i < n; i++) {
      FixedSizeListVector source = (FixedSizeListVector) sources[unit[i]];
      int r = row[i];
      boolean present = !source.isNull(r);
      BitVectorHelper.setValidityBit(validity, at + i, present ? 1 : 0);
      if (present) {
        data.setBytes((at + i) * bytes, source.getDataVector().getDataBuffer(), r * bytes, bytes);
        for (int j = 0; j < size; j++) { // elements are never null
          BitVectorHelper.setBit(valueValidity, (long) (at + i) * size + j);
        }
      }
    }
  }

  private static void ensure(FieldVector vector, int capacity) {
    while (vector.getValueCapacity() < capacity) {
      vector.reAlloc();
    }
  }
}
