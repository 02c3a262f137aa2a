package io.featurestore.format.parquet;

import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * The Parquet form of a feature-set schema: standard logical types, three-level LIST for lists and
 * vectors, and field ids (column position + 1) so table formats can track columns. Readable by
 * DuckDB, Spark, pyarrow and Trino without a custom reader; see {@code docs/formats.md}.
 */
public final class ParquetSchemas {
  public static final String LIST_GROUP = "list";
  public static final String ELEMENT = "element";

  private ParquetSchemas() {}

  public static MessageType toParquet(FeatureSetSchema schema) {
    List<Type> fields = new ArrayList<>();
    int id = 1;
    for (Column c : schema.columns()) {
      fields.add(toParquet(c, id++));
    }
    return new MessageType("feature_set", fields);
  }

  private static Type toParquet(Column column, int id) {
    Repetition repetition = column.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
    FeatureType type = column.type();
    if (type.isScalar()) {
      return primitive(type.element(), repetition).id(id).named(column.name());
    }
    return Types.buildGroup(repetition)
        .as(LogicalTypeAnnotation.listType())
        .addField(Types.repeatedGroup().addField(primitive(type.element(), Repetition.REQUIRED).named(ELEMENT)).named(LIST_GROUP))
        .id(id)
        .named(column.name());
  }

  private static Types.PrimitiveBuilder<PrimitiveType> primitive(ScalarType type, Repetition repetition) {
    return switch (type) {
      case BOOL -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition);
      case INT32 -> Types.primitive(PrimitiveTypeName.INT32, repetition);
      case INT64 -> Types.primitive(PrimitiveTypeName.INT64, repetition);
      case FLOAT32 -> Types.primitive(PrimitiveTypeName.FLOAT, repetition);
      case FLOAT64 -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition);
      case STRING -> Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType());
      case BYTES -> Types.primitive(PrimitiveTypeName.BINARY, repetition);
      case TIMESTAMP -> Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
    };
  }
}
