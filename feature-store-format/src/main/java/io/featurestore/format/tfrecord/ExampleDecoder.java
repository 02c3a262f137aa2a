package io.featurestore.format.tfrecord;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Parses {@code tf.train.Example} messages into rows of Arrow vectors (the projected columns, with
 * the types of {@link io.featurestore.format.arrow.ArrowSchemas}). Accepts whatever a conforming
 * protobuf writer may produce: entries and fields in any order, numbers packed or not, unknown
 * fields; a key given twice takes its last value. Features of other columns are skipped without
 * being decoded. Errors are {@code malformed-example} naming the column. Not thread-safe.
 */
public final class ExampleDecoder {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private final Column[] columns;
  private final byte[][] names;
  private final boolean[] present;
  private byte[] buffer;
  private int position;
  /** The column expected next: writers put entries in schema order, so the lookup is usually one comparison. */
  private int hint;

  /** @param projection the columns to fill, in the target's order; empty for every column of the schema */
  public ExampleDecoder(FeatureSetSchema schema, List<String> projection) {
    List<Column> all = schema.columns();
    List<Column> chosen = projection.isEmpty() ? all
        : projection.stream().map(n -> all.stream().filter(c -> c.name().equals(n)).findFirst().orElseThrow(() ->
            FeatureStoreException.invalid("unknown-column", "column '" + n + "' is not in the schema"))).toList();
    this.columns = chosen.toArray(Column[]::new);
    this.names = new byte[columns.length][];
    for (int c = 0; c < columns.length; c++) {
      names[c] = columns[c].name().getBytes(StandardCharsets.UTF_8);
    }
    this.present = new boolean[columns.length];
  }

  /**
   * Sets row {@code row} of the target's vectors from the Example in {@code buffer[offset, offset + length)}.
   * Vectors grow as needed; the caller sets value counts once the rows are in.
   *
   * @throws FeatureStoreException {@code malformed-example} if the message is not an Example of this schema
   */
  public void decode(byte[] buffer, int offset, int length, VectorSchemaRoot target, int row) {
    this.buffer = buffer;
    Arrays.fill(present, false);
    hint = 0;
    int end = offset + length;
    position = offset;
    while (position < end) {
      long tag = readVarint(end);
      if (tag == (1 << 3 | LENGTH_DELIMITED)) { // Example.features
        int featuresEnd = lengthDelimitedEnd(end);
        while (position < featuresEnd) {
          long entryTag = readVarint(featuresEnd);
          if (entryTag == (1 << 3 | LENGTH_DELIMITED)) { // Features.feature: a map entry
            int entryEnd = lengthDelimitedEnd(featuresEnd);
            entry(entryEnd, target, row);
            position = entryEnd;
          } else {
            skip(entryTag, featuresEnd);
          }
        }
      } else {
        skip(tag, end);
      }
    }
    for (int c = 0; c < columns.length; c++) {
      if (!present[c]) {
        if (!columns[c].nullable()) {
          throw malformed(columns[c], "is required but the Example has no feature for it");
        }
        target.getVector(c).setNull(row);
      }
    }
  }

  private void entry(int end, VectorSchemaRoot target, int row) {
    int keyStart = -1;
    int keyLength = 0;
    int valueStart = -1;
    int valueEnd = -1;
    while (position < end) {
      long tag = readVarint(end);
      if (tag == (1 << 3 | LENGTH_DELIMITED)) {
        int fieldEnd = lengthDelimitedEnd(end);
        keyStart = position;
        keyLength = fieldEnd - position;
        position = fieldEnd;
      } else if (tag == (2 << 3 | LENGTH_DELIMITED)) {
        valueEnd = lengthDelimitedEnd(end);
        valueStart = position;
        position = valueEnd;
      } else {
        skip(tag, end);
      }
    }
    int c = column(keyStart, keyLength);
    if (c < 0) {
      return;
    }
    present[c] = true;
    // A missing value is the default Feature: no list at all.
    feature(columns[c], target.getVector(c), row, valueStart < 0 ? 0 : valueStart, valueStart < 0 ? 0 : valueEnd);
  }

  /** Index of the projected column with this name, or -1. */
  private int column(int start, int length) {
    if (start < 0) {
      return -1;
    }
    for (int i = 0; i < columns.length; i++) {
      int c = (hint + i) % columns.length;
      if (Arrays.equals(names[c], 0, names[c].length, buffer, start, start + length)) {
        hint = c + 1;
        return c;
      }
    }
    return -1;
  }

  /** Decodes a Feature message in {@code [start, end)} into the row. */
  private void feature(Column column, FieldVector vector, int row, int start, int end) {
    int kind = 0;
    int listStart = 0;
    int listEnd = 0;
    position = start;
    while (position < end) {
      long tag = readVarint(end);
      int field = (int) (tag >>> 3);
      if ((tag & 7) == LENGTH_DELIMITED && field >= 1 && field <= 3) { // oneof kind: the last one wins
        listEnd = lengthDelimitedEnd(end);
        listStart = position;
        kind = field;
        position = listEnd;
      } else {
        skip(tag, end);
      }
    }
    FeatureType type = column.type();
    ScalarType element = type.element();
    boolean bytes = element == ScalarType.STRING || element == ScalarType.BYTES;
    int expected = bytes ? 1 : element == ScalarType.FLOAT32 ? 2 : 3;
    if (kind != 0 && kind != expected) {
      throw malformed(column, "holds a " + kindName(kind) + ", expected a " + kindName(expected));
    }
    if (bytes) {
      bytesValue(column, vector, row, listStart, listEnd);
      return;
    }
    int count = kind == 0 ? 0 : count(column, listStart, listEnd);
    switch (type.shape()) {
      case SCALAR -> {
        if (count != 1) {
          throw malformed(column, "holds " + count + " values, expected 1");
        }
        values(column, vector, row, listStart, listEnd);
      }
      case VECTOR -> {
        if (count != type.dimension()) {
          throw malformed(column, "holds " + count + " values, expected " + type.dimension());
        }
        FixedSizeListVector fixed = (FixedSizeListVector) vector;
        fixed.setNotNull(row);
        values(column, fixed.getDataVector(), row * type.dimension(), listStart, listEnd);
      }
      case LIST -> {
        ListVector list = (ListVector) vector;
        int first = list.startNewValue(row);
        if (count > 0) {
          values(column, list.getDataVector(), first, listStart, listEnd);
        }
        list.endValue(row, count);
      }
    }
  }

  /** Number of values in a list message, packed or not. */
  private int count(Column column, int start, int end) {
    boolean floats = column.type().element() == ScalarType.FLOAT32;
    int count = 0;
    position = start;
    while (position < end) {
      long tag = readVarint(end);
      if (tag == (1 << 3 | LENGTH_DELIMITED)) {
        int packedEnd = lengthDelimitedEnd(end);
        if (floats) {
          if ((packedEnd - position) % 4 != 0) {
            throw malformed(column, "has a packed float_list of " + (packedEnd - position) + " bytes");
          }
          count += (packedEnd - position) / 4;
        } else {
          for (int i = position; i < packedEnd; i++) {
            count += buffer[i] >= 0 ? 1 : 0; // a varint ends at a byte without the high bit
          }
          if (packedEnd > position && buffer[packedEnd - 1] < 0) {
            throw malformed(column, "has a truncated varint");
          }
        }
        position = packedEnd;
      } else if (tag == (1 << 3 | (floats ? FIXED32 : VARINT))) {
        skip(tag, end);
        count++;
      } else {
        skip(tag, end);
      }
    }
    return count;
  }

  /** Writes the values of a list message into {@code vector} from index {@code at} on. */
  private void values(Column column, FieldVector vector, int at, int start, int end) {
    boolean floats = column.type().element() == ScalarType.FLOAT32;
    int index = at;
    position = start;
    while (position < end) {
      long tag = readVarint(end);
      if (tag == (1 << 3 | LENGTH_DELIMITED)) {
        int packedEnd = lengthDelimitedEnd(end);
        while (position < packedEnd) {
          if (floats) {
            ((Float4Vector) vector).setSafe(index++, Float.intBitsToFloat(readFixed32(packedEnd)));
          } else {
            setInteger(column, vector, index++, readVarint(packedEnd));
          }
        }
      } else if (floats && tag == (1 << 3 | FIXED32)) {
        ((Float4Vector) vector).setSafe(index++, Float.intBitsToFloat(readFixed32(end)));
      } else if (!floats && tag == (1 << 3 | VARINT)) {
        setInteger(column, vector, index++, readVarint(end));
      } else {
        skip(tag, end);
      }
    }
  }

  private void setInteger(Column column, FieldVector vector, int index, long value) {
    switch (column.type().element()) {
      case BOOL -> {
        if (value != 0 && value != 1) {
          throw malformed(column, "holds " + value + ", expected 0 or 1");
        }
        ((BitVector) vector).setSafe(index, (int) value);
      }
      case INT32 -> {
        if (value != (int) value) {
          throw malformed(column, "holds " + value + ", outside int32");
        }
        ((IntVector) vector).setSafe(index, (int) value);
      }
      case INT64 -> ((BigIntVector) vector).setSafe(index, value);
      case TIMESTAMP -> ((TimeStampVector) vector).setSafe(index, value);
      default -> throw new IllegalStateException("not an integer column: " + column);
    }
  }

  /** A string or bytes column: exactly one value in the BytesList. */
  private void bytesValue(Column column, FieldVector vector, int row, int start, int end) {
    int count = 0;
    int valueStart = 0;
    int valueEnd = 0;
    position = start;
    while (position < end) {
      long tag = readVarint(end);
      if (tag == (1 << 3 | LENGTH_DELIMITED)) {
        valueEnd = lengthDelimitedEnd(end);
        valueStart = position;
        position = valueEnd;
        count++;
      } else {
        skip(tag, end);
      }
    }
    if (count != 1) {
      throw malformed(column, "holds " + count + " values, expected 1");
    }
    if (vector instanceof VarCharVector text) {
      text.setSafe(row, buffer, valueStart, valueEnd - valueStart);
    } else {
      ((VarBinaryVector) vector).setSafe(row, buffer, valueStart, valueEnd - valueStart);
    }
  }

  private long readVarint(int end) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position >= end) {
        throw truncated();
      }
      byte b = buffer[position++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw FeatureStoreException.invalid("malformed-example", "the Example has a varint longer than 10 bytes");
  }

  private int readFixed32(int end) {
    if (end - position < 4) {
      throw truncated();
    }
    int p = position;
    position += 4;
    return (buffer[p] & 0xff) | (buffer[p + 1] & 0xff) << 8 | (buffer[p + 2] & 0xff) << 16 | (buffer[p + 3] & 0xff) << 24;
  }

  /** Reads a length prefix; returns where the field ends, checked against the enclosing message's end. */
  private int lengthDelimitedEnd(int end) {
    long length = readVarint(end);
    if (length < 0 || length > end - position) {
      throw FeatureStoreException.invalid(
          "malformed-example", "the Example has a field of " + length + " bytes where " + (end - position) + " are left");
    }
    return position + (int) length;
  }

  private void skip(long tag, int end) {
    switch ((int) (tag & 7)) {
      case VARINT -> readVarint(end);
      case FIXED64 -> advance(8, end);
      case LENGTH_DELIMITED -> position = lengthDelimitedEnd(end);
      case FIXED32 -> advance(4, end);
      default -> throw FeatureStoreException.invalid("malformed-example", "the Example has a field of wire type " + (tag & 7));
    }
  }

  private void advance(int bytes, int end) {
    if (end - position < bytes) {
      throw truncated();
    }
    position += bytes;
  }

  private static FeatureStoreException truncated() {
    return FeatureStoreException.invalid("malformed-example", "the Example is truncated");
  }

  private static FeatureStoreException malformed(Column column, String problem) {
    return FeatureStoreException.invalid("malformed-example", "column '" + column.name() + "' (" + column.type() + ") " + problem);
  }

  private static String kindName(int kind) {
    return switch (kind) {
      case 1 -> "bytes_list";
      case 2 -> "float_list";
      default -> "int64_list";
    };
  }
}
