package io.featurestore.server.ingest;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.format.arrow.ArrowSchemas;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.ValueVectorUtility;

/**
 * An Arrow IPC stream upload. Columns are matched by name (any order); each must have the Arrow type
 * of its feature type, except that timestamps may have any unit and time zone. Batches are passed on
 * without copying.
 */
final class ArrowStreamSource implements BatchSource {
  private final ArrowStreamReader reader;
  private final FeatureSetSchema schema;
  private int[] order;

  ArrowStreamSource(InputStream body, FeatureSetSchema schema, BufferAllocator allocator) {
    this.reader = new ArrowStreamReader(body, allocator);
    this.schema = schema;
  }

  @Override
  public VectorSchemaRoot next() throws IOException {
    VectorSchemaRoot root;
    try {
      root = reader.getVectorSchemaRoot();
      if (order == null) {
        order = match(root.getSchema().getFields());
      }
      if (!reader.loadNextBatch()) {
        return null;
      }
      validate(root);
    } catch (FeatureStoreException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new FeatureStoreException(
          ErrorKind.INVALID_ARGUMENT, "malformed-arrow", "the body is not a valid Arrow IPC stream: " + e.getMessage(), e);
    }
    List<FieldVector> vectors = new ArrayList<>(order.length);
    for (int i : order) {
      vectors.add(root.getVector(i));
    }
    // A view in schema order; it shares the reader's vectors, so it is never closed itself.
    return new VectorSchemaRoot(vectors.stream().map(FieldVector::getField).toList(), vectors, root.getRowCount());
  }

  /** Offsets and buffer sizes: a batch that does not add up is the sender's error, not a 500 later. */
  private static void validate(VectorSchemaRoot batch) {
    for (FieldVector vector : batch.getFieldVectors()) {
      if (vector instanceof FixedSizeListVector fixed) {
        // Arrow 19's full check of a fixed-size list asks it for offsets, which it has none of: its
        // structure (sizes against the child's) here, then the child's data in full.
        ValueVectorUtility.validate(fixed);
        ValueVectorUtility.validateFull(fixed.getDataVector());
      } else {
        ValueVectorUtility.validateFull(vector);
      }
    }
  }

  /** For each schema column, the index of the upload's field with that name. */
  private int[] match(List<Field> fields) {
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      if (byName.put(field.getName(), i) != null) {
        throw FeatureStoreException.invalid("schema-mismatch", "the upload has two columns named '" + field.getName() + "'");
      }
      if (field.getDictionary() != null) {
        // Its batches hold dictionary indexes, which could pass for values of the same type.
        throw FeatureStoreException.invalid(
            "schema-mismatch", "column '" + field.getName() + "' is dictionary-encoded (a pandas categorical?); send its values");
      }
    }
    List<Column> columns = schema.columns();
    int[] result = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      Column column = columns.get(c);
      Integer index = byName.remove(column.name());
      if (index == null) {
        throw FeatureStoreException.invalid(
            "schema-mismatch", "the upload has no column '" + column.name() + "' (" + column.type() + ")");
      }
      Field actual = fields.get(index);
      if (!compatible(ArrowSchemas.toArrow(column), actual)) {
        throw FeatureStoreException.invalid(
            "schema-mismatch",
            "column '" + column.name() + "' should be " + column.type() + " (Arrow " + describe(ArrowSchemas.toArrow(column))
                + ") but the upload has " + describe(actual));
      }
      result[c] = index;
    }
    if (!byName.isEmpty()) {
      throw FeatureStoreException.invalid(
          "schema-mismatch", "the upload has columns the feature set does not define: " + byName.keySet());
    }
    return result;
  }

  private static boolean compatible(Field expected, Field actual) {
    if (expected.getType() instanceof ArrowType.Timestamp) {
      return actual.getType() instanceof ArrowType.Timestamp; // converted to microseconds when written
    }
    return expected.getType().equals(actual.getType())
        && (expected.getChildren().isEmpty()
            || (actual.getChildren().size() == 1
                && expected.getChildren().get(0).getType().equals(actual.getChildren().get(0).getType())));
  }

  private static Field leaf(Field field) {
    return field.getChildren().isEmpty() ? field : field.getChildren().get(0);
  }

  private static String describe(Field field) {
    return field.getChildren().isEmpty() ? field.getType().toString() : field.getType() + "<" + leaf(field).getType() + ">";
  }

  @Override
  public void close() throws IOException {
    reader.close(false); // the request body is closed by the container
  }
}
