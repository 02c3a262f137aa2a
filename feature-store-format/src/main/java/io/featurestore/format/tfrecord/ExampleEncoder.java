package io.featurestore.format.tfrecord;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.format.arrow.TimestampMicros;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Serializes rows as {@code tf.train.Example} protobuf messages, byte for byte as protobuf-java
 * serializes the same message (map entries in schema order, numbers packed). The mapping is in
 * {@code docs/formats.md}: one feature per column, nulls absent. Sizes are computed first, then the
 * bytes written straight into one reusable buffer, with no objects per value. Not thread-safe.
 */
public final class ExampleEncoder {
  // Wire tags: field number << 3 | wire type (2 = length-delimited).
  static final int TAG_FEATURES = 1 << 3 | 2; // Example.features, Features.feature, MapEntry.key, *List.value
  static final int TAG_ENTRY_VALUE = 2 << 3 | 2; // MapEntry.value
  static final int TAG_BYTES_LIST = 1 << 3 | 2; // Feature.bytes_list
  static final int TAG_FLOAT_LIST = 2 << 3 | 2; // Feature.float_list
  static final int TAG_INT64_LIST = 3 << 3 | 2; // Feature.int64_list

  private final Encoded[] columns;
  private final int[] listBytes;
  private final int[] entryBytes;
  private VectorSchemaRoot bound;
  private byte[] buffer = new byte[4096];
  private int position;

  /** How one column becomes a feature. */
  private enum Kind { INT, BYTES, INT_LIST, FLOAT_LIST }

  private static final class Encoded {
    final Kind kind;
    final ScalarType element;
    /** The map entry's key field: tag, length, name. */
    final byte[] key;
    final int dimension;
    /** Floats in every row's value: 1 for a float32 scalar, the dimension of a float32 vector, else 0. */
    final int floatsPerRow;
    /**
     * For float scalars and float vectors, whose entries always have the same size: every byte of
     * the entry before the floats, so a row costs one copy and the values.
     */
    final byte[] fixedPrefix;
    /** Bytes of the whole fixed-size entry, tag and length included. */
    final int fixedBytes;
    FieldVector vector;
    TimestampMicros micros;
    FieldVector elements;
    /** The vector holding the float values of a fixed-size entry. */
    FieldVector floats;

    Encoded(Column column) {
      this.element = column.type().element();
      boolean floating = element == ScalarType.FLOAT32;
      boolean scalar = column.type().isScalar();
      this.kind = floating ? Kind.FLOAT_LIST
          : scalar ? (element == ScalarType.STRING || element == ScalarType.BYTES ? Kind.BYTES : Kind.INT)
          : Kind.INT_LIST;
      this.dimension = column.type().dimension();
      this.floatsPerRow = !floating ? 0 : scalar ? 1 : dimension;
      byte[] name = column.name().getBytes(StandardCharsets.UTF_8);
      this.key = new byte[1 + varintSize(name.length) + name.length];
      key[0] = TAG_FEATURES;
      int at = writeVarint(key, 1, name.length);
      System.arraycopy(name, 0, key, at, name.length);
      if (floatsPerRow > 0) {
        int floats = 4 * floatsPerRow;
        int list = 1 + varintSize(floats) + floats;
        int feature = 1 + varintSize(list) + list;
        int entry = key.length + 1 + varintSize(feature) + feature;
        this.fixedBytes = 1 + varintSize(entry) + entry;
        this.fixedPrefix = new byte[fixedBytes - floats];
        int p = 0;
        fixedPrefix[p++] = TAG_FEATURES;
        p = writeVarint(fixedPrefix, p, entry);
        System.arraycopy(key, 0, fixedPrefix, p, key.length);
        p += key.length;
        fixedPrefix[p++] = TAG_ENTRY_VALUE;
        p = writeVarint(fixedPrefix, p, feature);
        fixedPrefix[p++] = TAG_FLOAT_LIST;
        p = writeVarint(fixedPrefix, p, list);
        fixedPrefix[p++] = TAG_FEATURES;
        writeVarint(fixedPrefix, p, floats);
      } else {
        this.fixedBytes = 0;
        this.fixedPrefix = null;
      }
    }
  }

  /**
   * @throws FeatureStoreException {@code tfrecord-unsupported-type} if a column cannot be an Example feature
   */
  public ExampleEncoder(FeatureSetSchema schema) {
    checkExpressible(schema);
    List<Column> all = schema.columns();
    this.columns = new Encoded[all.size()];
    for (int c = 0; c < columns.length; c++) {
      columns[c] = new Encoded(all.get(c));
    }
    this.listBytes = new int[columns.length];
    this.entryBytes = new int[columns.length];
  }

  /**
   * Refuses a schema with a column no Example feature holds exactly: {@code float_list} is 32-bit,
   * so float64 values (scalars, lists, vectors) would silently lose precision.
   *
   * @throws FeatureStoreException {@code tfrecord-unsupported-type} naming the column
   */
  public static void checkExpressible(FeatureSetSchema schema) {
    for (Column column : schema.columns()) {
      if (column.type().element() == ScalarType.FLOAT64) {
        throw FeatureStoreException.invalid(
            "tfrecord-unsupported-type",
            "column '" + column.name() + "' is " + column.type() + ", which TFRecord cannot hold exactly: tf.train.Example's"
                + " float_list is 32-bit. Use float32, or write this feature set as Parquet only");
      }
    }
  }

  /** The buffer holding the last encoded message in {@code [0, length)}. */
  public byte[] buffer() {
    return buffer;
  }

  /**
   * Serializes row {@code row} of the batch. Its vectors are in schema order with the Arrow types of
   * {@link io.featurestore.format.arrow.ArrowSchemas}, timestamps of any unit.
   *
   * @return the message's length in {@link #buffer()}
   */
  public int encode(VectorSchemaRoot batch, int row) {
    bind(batch);
    int features = 0;
    for (int c = 0; c < columns.length; c++) {
      Encoded column = columns[c];
      if (column.vector.isNull(row)) {
        entryBytes[c] = -1;
        continue;
      }
      if (column.fixedPrefix != null) {
        entryBytes[c] = 0;
        features += column.fixedBytes;
        continue;
      }
      int list = listSize(column, row);
      int feature = 1 + varintSize(list) + list;
      int entry = column.key.length + 1 + varintSize(feature) + feature;
      listBytes[c] = list;
      entryBytes[c] = entry;
      features += 1 + varintSize(entry) + entry;
    }
    int total = 1 + varintSize(features) + features;
    if (buffer.length < total) {
      buffer = Arrays.copyOf(buffer, Math.max(total, buffer.length * 2));
    }
    position = 0;
    buffer[position++] = TAG_FEATURES;
    position = writeVarint(buffer, position, features);
    for (int c = 0; c < columns.length; c++) {
      if (entryBytes[c] < 0) {
        continue;
      }
      Encoded column = columns[c];
      if (column.fixedPrefix != null) {
        System.arraycopy(column.fixedPrefix, 0, buffer, position, column.fixedPrefix.length);
        position += column.fixedPrefix.length;
        int bytes = 4 * column.floatsPerRow;
        // Arrow stores floats little-endian, as a packed float_list does: one copy for them all.
        column.floats.getDataBuffer().getBytes((long) bytes * row, buffer, position, bytes);
        position += bytes;
        continue;
      }
      int list = listBytes[c];
      buffer[position++] = TAG_FEATURES;
      position = writeVarint(buffer, position, entryBytes[c]);
      System.arraycopy(column.key, 0, buffer, position, column.key.length);
      position += column.key.length;
      buffer[position++] = TAG_ENTRY_VALUE;
      position = writeVarint(buffer, position, 1 + varintSize(list) + list);
      buffer[position++] = (byte) switch (column.kind) {
        case INT, INT_LIST -> TAG_INT64_LIST;
        case FLOAT_LIST -> TAG_FLOAT_LIST;
        case BYTES -> TAG_BYTES_LIST;
      };
      position = writeVarint(buffer, position, list);
      writeList(column, row);
    }
    return position;
  }

  private void bind(VectorSchemaRoot batch) {
    if (batch == bound) {
      return;
    }
    for (int c = 0; c < columns.length; c++) {
      Encoded column = columns[c];
      column.vector = batch.getVector(c);
      column.micros = column.element == ScalarType.TIMESTAMP ? TimestampMicros.of(column.vector) : null;
      column.elements = column.vector instanceof ListVector list ? list.getDataVector()
          : column.vector instanceof FixedSizeListVector fixed ? fixed.getDataVector() : null;
      column.floats = column.floatsPerRow == 1 ? column.vector : column.elements;
    }
    bound = batch;
  }

  /** Bytes of the Int64List / FloatList / BytesList message of the row's value. */
  private static int listSize(Encoded column, int row) {
    return switch (column.kind) {
      case INT -> {
        int packed = varintSize(scalar(column, row));
        yield 1 + varintSize(packed) + packed;
      }
      case BYTES -> {
        int length = ((BaseVariableWidthVector) column.vector).getValueLength(row);
        yield 1 + varintSize(length) + length;
      }
      case INT_LIST -> {
        int start = start(column, row);
        int end = end(column, row);
        int packed = 0;
        for (int i = start; i < end; i++) {
          packed += varintSize(element(column, i));
        }
        yield end == start ? 0 : 1 + varintSize(packed) + packed;
      }
      case FLOAT_LIST -> {
        int packed = 4 * (end(column, row) - start(column, row));
        yield packed == 0 ? 0 : 1 + varintSize(packed) + packed;
      }
    };
  }

  private void writeList(Encoded column, int row) {
    switch (column.kind) {
      case INT -> {
        long value = scalar(column, row);
        buffer[position++] = TAG_FEATURES;
        position = writeVarint(buffer, position, varintSize(value));
        position = writeVarint(buffer, position, value);
      }
      case BYTES -> {
        BaseVariableWidthVector bytes = (BaseVariableWidthVector) column.vector;
        int length = bytes.getValueLength(row);
        buffer[position++] = TAG_FEATURES;
        position = writeVarint(buffer, position, length);
        bytes.getDataBuffer().getBytes(bytes.getStartOffset(row), buffer, position, length);
        position += length;
      }
      case INT_LIST -> {
        int start = start(column, row);
        int end = end(column, row);
        if (end > start) {
          int packed = 0;
          for (int i = start; i < end; i++) {
            packed += varintSize(element(column, i));
          }
          buffer[position++] = TAG_FEATURES;
          position = writeVarint(buffer, position, packed);
          for (int i = start; i < end; i++) {
            position = writeVarint(buffer, position, element(column, i));
          }
        }
      }
      case FLOAT_LIST -> {
        int start = start(column, row);
        int end = end(column, row);
        if (end > start) {
          buffer[position++] = TAG_FEATURES;
          position = writeVarint(buffer, position, 4 * (end - start));
          // Arrow stores floats little-endian, as a packed float_list does: one copy for the whole list.
          column.elements.getDataBuffer().getBytes(4L * start, buffer, position, 4 * (end - start));
          position += 4 * (end - start);
        }
      }
    }
  }

  private static long scalar(Encoded column, int row) {
    return switch (column.element) {
      case BOOL -> ((BitVector) column.vector).get(row);
      case INT32 -> ((IntVector) column.vector).get(row);
      case INT64 -> ((BigIntVector) column.vector).get(row);
      case TIMESTAMP -> column.micros.get(row);
      default -> throw new IllegalStateException("not an integer column: " + column.element);
    };
  }

  private static long element(Encoded column, int index) {
    return column.element == ScalarType.INT32 ? ((IntVector) column.elements).get(index) : ((BigIntVector) column.elements).get(index);
  }

  private static int start(Encoded column, int row) {
    return column.vector instanceof ListVector list ? list.getElementStartIndex(row) : row * column.dimension;
  }

  private static int end(Encoded column, int row) {
    return column.vector instanceof ListVector list ? list.getElementEndIndex(row) : (row + 1) * column.dimension;
  }

  /** Bytes of a protobuf varint; negative int64 values take 10. */
  static int varintSize(long value) {
    return value < 0 ? 10 : (63 - Long.numberOfLeadingZeros(value | 1)) / 7 + 1;
  }

  static int writeVarint(byte[] target, int at, long value) {
    while ((value & ~0x7FL) != 0) {
      target[at++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    target[at++] = (byte) value;
    return at;
  }
}
