package io.featurestore.format.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrowSchemasTest {
  private static List<Column> keyAnd(FeatureType type) {
    return List.of(Column.required("id", FeatureType.scalar(ScalarType.INT64)), Column.required("f", type));
  }

  @Test
  void narrowRowsGetTheMostRows() {
    assertThat(ArrowSchemas.rowsFitting(keyAnd(FeatureType.vector(ScalarType.FLOAT32, 32)), 4096, 64L << 20)).isEqualTo(4096);
  }

  @Test
  void wideRowsGetAsManyAsFitTheBytes() {
    // 8 + 262,144 bytes a row: 255 rows in 64 MiB.
    assertThat(ArrowSchemas.rowsFitting(keyAnd(FeatureType.vector(ScalarType.FLOAT32, 65_536)), 4096, 64L << 20)).isEqualTo(255);
    assertThat(ArrowSchemas.rowsFitting(keyAnd(FeatureType.vector(ScalarType.FLOAT64, 65_536)), 4096, 1 << 20))
        .as("never fewer than one").isEqualTo(1);
  }
}
