package io.featurestore.server.ingest;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class BatchValidatorTest {
  private static final FeatureSetSchema SCHEMA = new FeatureSetSchema(
      List.of(Column.required("user_id", FeatureType.scalar(ScalarType.INT64))), "ts", List.of());

  @Test
  void millisecondTimestampsBeyondMicrosecondsAreRefusedNamingTheRow() {
    try (RootAllocator allocator = new RootAllocator();
        BigIntVector keys = new BigIntVector("user_id", allocator);
        TimeStampMilliTZVector times = new TimeStampMilliTZVector("ts", allocator, "UTC")) {
      keys.allocateNew(2);
      times.allocateNew(2);
      keys.set(0, 1);
      keys.set(1, 2);
      times.set(0, 1_767_225_600_000L); // 2026-01-01
      times.set(1, Long.MAX_VALUE / 10); // about 29 million years: no microsecond count holds it
      keys.setValueCount(2);
      times.setValueCount(2);
      VectorSchemaRoot batch = VectorSchemaRoot.of(keys, times);
      BatchValidator validator = new BatchValidator(SCHEMA);
      assertThatThrownBy(() -> validator.check(batch, 100))
          .isInstanceOf(FeatureStoreException.class)
          .hasMessageContaining("row 101, column 'ts'")
          .hasMessageContaining("beyond the range");
      batch.setRowCount(1);
      times.setValueCount(1);
      keys.setValueCount(1);
      assertThatCode(() -> validator.check(batch, 100)).doesNotThrowAnyException();
    }
  }
}
