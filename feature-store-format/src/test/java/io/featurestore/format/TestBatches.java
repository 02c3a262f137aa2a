package io.featurestore.format;

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
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/** A schema with every supported type, and deterministic batches of it. */
public final class TestBatches {
  /** 2026-01-01T00:00:00Z in microseconds. */
  public static final long BASE_MICROS = 1_767_225_600_000_000L;
  public static final long HOUR_MICROS = 3_600_000_000L;

  private TestBatches() {}

  public static FeatureSetSchema allTypes() {
    return new FeatureSetSchema(
        List.of(Column.required("user_id", FeatureType.scalar(ScalarType.INT64)),
            Column.required("region", FeatureType.scalar(ScalarType.STRING))),
        "event_time",
        List.of(
            Column.optional("active", FeatureType.scalar(ScalarType.BOOL)),
            Column.required("clicks", FeatureType.scalar(ScalarType.INT32)),
            Column.optional("views", FeatureType.scalar(ScalarType.INT64)),
            Column.required("ctr", FeatureType.scalar(ScalarType.FLOAT32)),
            Column.optional("score", FeatureType.scalar(ScalarType.FLOAT64)),
            Column.optional("label", FeatureType.scalar(ScalarType.STRING)),
            Column.optional("blob", FeatureType.scalar(ScalarType.BYTES)),
            Column.optional("last_seen", FeatureType.scalar(ScalarType.TIMESTAMP)),
            Column.optional("history", FeatureType.list(ScalarType.INT64)),
            Column.required("embedding", FeatureType.vector(ScalarType.FLOAT32, 4))));
  }

  /**
   * Rows {@code first .. first+count-1} of {@link #allTypes()}: row i has user_id i, event time
   * BASE + i hours, and every third row leaves its nullable columns empty.
   */
  public static VectorSchemaRoot allTypes(BufferAllocator allocator, long first, int count) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.toArrow(allTypes()), allocator);
    root.allocateNew();
    for (int r = 0; r < count; r++) {
      long i = first + r;
      boolean nulls = i % 3 == 2;
      ((BigIntVector) root.getVector("user_id")).setSafe(r, i);
      ((VarCharVector) root.getVector("region")).setSafe(r, ("r" + (i % 5)).getBytes(StandardCharsets.UTF_8));
      ((TimeStampMicroTZVector) root.getVector("event_time")).setSafe(r, BASE_MICROS + i * HOUR_MICROS);
      ((IntVector) root.getVector("clicks")).setSafe(r, (int) (i % 100));
      ((Float4Vector) root.getVector("ctr")).setSafe(r, i / 1000f);
      FixedSizeListVector embedding = (FixedSizeListVector) root.getVector("embedding");
      embedding.setNotNull(r);
      Float4Vector values = (Float4Vector) embedding.getDataVector();
      for (int d = 0; d < 4; d++) {
        values.setSafe(r * 4 + d, i + d / 10f);
      }
      if (nulls) {
        root.getVector("active").setNull(r);
        root.getVector("views").setNull(r);
        root.getVector("score").setNull(r);
        root.getVector("label").setNull(r);
        root.getVector("blob").setNull(r);
        root.getVector("last_seen").setNull(r);
        root.getVector("history").setNull(r);
      } else {
        ((BitVector) root.getVector("active")).setSafe(r, (int) (i % 2));
        ((BigIntVector) root.getVector("views")).setSafe(r, i * 10);
        ((Float8Vector) root.getVector("score")).setSafe(r, i * 0.5);
        ((VarCharVector) root.getVector("label")).setSafe(r, ("label-" + i).getBytes(StandardCharsets.UTF_8));
        ((VarBinaryVector) root.getVector("blob")).setSafe(r, new byte[] {(byte) i, 1, 2});
        ((TimeStampMicroTZVector) root.getVector("last_seen")).setSafe(r, BASE_MICROS - i);
        ListVector history = (ListVector) root.getVector("history");
        int start = history.startNewValue(r);
        BigIntVector items = (BigIntVector) history.getDataVector();
        int n = (int) (i % 4);
        for (int k = 0; k < n; k++) {
          items.setSafe(start + k, i + k);
        }
        history.endValue(r, n);
      }
    }
    // Keep list child counts consistent for vectors whose last rows were null.
    root.setRowCount(count);
    return root;
  }
}
