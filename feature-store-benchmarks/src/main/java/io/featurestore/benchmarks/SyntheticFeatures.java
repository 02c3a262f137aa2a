package io.featurestore.benchmarks;

import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * The benchmark feature set of issue 2: an int64 key, the event timestamp, 20 float32 features, 4
 * int64 features and one 32-dimensional float32 embedding (256 bytes per row in memory). Values are
 * deterministic per row range: floats are uniformly random (as poorly compressible as real
 * features), integers small counts.
 */
final class SyntheticFeatures {
  static final int FLOATS = 20;
  static final int INTS = 4;
  static final int DIMENSION = 32;
  static final long T0_MICROS = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z

  private SyntheticFeatures() {}

  static FeatureSetSchema schema() {
    List<Column> features = new ArrayList<>();
    for (int i = 0; i < FLOATS; i++) {
      features.add(Column.optional("f" + i, FeatureType.scalar(ScalarType.FLOAT32)));
    }
    for (int i = 0; i < INTS; i++) {
      features.add(Column.optional("n" + i, FeatureType.scalar(ScalarType.INT64)));
    }
    features.add(Column.optional("embedding", FeatureType.vector(ScalarType.FLOAT32, DIMENSION)));
    return new FeatureSetSchema(
        List.of(Column.required("entity_id", FeatureType.scalar(ScalarType.INT64))), "event_time", features);
  }

  /** Fills {@code root} (of {@link #schema()}) with rows {@code first .. first + rows - 1}. */
  static void fill(VectorSchemaRoot root, long first, int rows) {
    for (FieldVector vector : root.getFieldVectors()) {
      vector.setInitialCapacity(rows);
    }
    root.allocateNew();
    SplittableRandom random = new SplittableRandom(first);
    BigIntVector key = (BigIntVector) root.getVector(0);
    TimeStampMicroTZVector time = (TimeStampMicroTZVector) root.getVector(1);
    for (int r = 0; r < rows; r++) {
      key.set(r, first + r);
      time.set(r, T0_MICROS + (first + r) * 1000);
    }
    for (int i = 0; i < FLOATS; i++) {
      Float4Vector v = (Float4Vector) root.getVector(2 + i);
      for (int r = 0; r < rows; r++) {
        v.set(r, (float) random.nextDouble());
      }
    }
    for (int i = 0; i < INTS; i++) {
      BigIntVector v = (BigIntVector) root.getVector(2 + FLOATS + i);
      for (int r = 0; r < rows; r++) {
        v.set(r, random.nextInt(1000));
      }
    }
    FixedSizeListVector embedding = (FixedSizeListVector) root.getVector(2 + FLOATS + INTS);
    Float4Vector values = (Float4Vector) embedding.getDataVector();
    for (int r = 0; r < rows; r++) {
      embedding.setNotNull(r);
      for (int d = 0; d < DIMENSION; d++) {
        values.set(r * DIMENSION + d, (float) random.nextDouble());
      }
    }
    values.setValueCount(rows * DIMENSION);
    root.setRowCount(rows);
  }
}
