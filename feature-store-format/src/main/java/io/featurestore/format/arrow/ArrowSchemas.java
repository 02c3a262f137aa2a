package io.featurestore.format.arrow;

import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow form of a feature-set schema, shared by ingest (uploads are decoded into it) and the
 * client (shards are decoded into it). Timestamps are microseconds in UTC; lists and vectors have
 * non-null elements. The mapping is documented in {@code docs/formats.md}.
 */
public final class ArrowSchemas {
  /** Name of the element child of list and vector fields, as Arrow and Parquet writers use it. */
  public static final String ELEMENT = "element";

  private ArrowSchemas() {}

  public static Schema toArrow(FeatureSetSchema schema) {
    List<Field> fields = new ArrayList<>();
    for (Column c : schema.columns()) {
      fields.add(toArrow(c));
    }
    return new Schema(fields);
  }

  public static Field toArrow(Column column) {
    FeatureType type = column.type();
    ArrowType scalar = scalarType(type.element());
    return switch (type.shape()) {
      case SCALAR -> new Field(column.name(), new FieldType(column.nullable(), scalar, null), null);
      case LIST -> new Field(column.name(), new FieldType(column.nullable(), ArrowType.List.INSTANCE, null),
          List.of(new Field(ELEMENT, FieldType.notNullable(scalar), null)));
      case VECTOR -> new Field(column.name(),
          new FieldType(column.nullable(), new ArrowType.FixedSizeList(type.dimension()), null),
          List.of(new Field(ELEMENT, FieldType.notNullable(scalar), null)));
    };
  }

  /**
   * How many rows of these columns, at most {@code maxRows} and at least one, fit in {@code bytes}
   * of Arrow vectors. Strings and lists are guessed (64 bytes, 16 elements), as they grow their
   * buffers as they go; fixed-width columns and vectors are exact.
   */
  public static int rowsFitting(List<Column> columns, int maxRows, long bytes) {
    long rowBytes = 0;
    for (Column column : columns) {
      FeatureType type = column.type();
      long element = switch (type.element()) {
        case BOOL -> 1;
        case INT32, FLOAT32 -> 4;
        case INT64, FLOAT64, TIMESTAMP -> 8;
        case STRING, BYTES -> 64;
      };
      rowBytes += switch (type.shape()) {
        case SCALAR -> element;
        case VECTOR -> element * type.dimension();
        case LIST -> element * 16 + 4;
      };
    }
    return (int) Math.max(1, Math.min(maxRows, bytes / Math.max(1, rowBytes)));
  }

  public static ArrowType scalarType(ScalarType type) {
    return switch (type) {
      case BOOL -> ArrowType.Bool.INSTANCE;
      case INT32 -> new ArrowType.Int(32, true);
      case INT64 -> new ArrowType.Int(64, true);
      case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case STRING -> ArrowType.Utf8.INSTANCE;
      case BYTES -> ArrowType.Binary.INSTANCE;
      case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
    };
  }
}
