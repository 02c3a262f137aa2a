package io.featurestore.client.read;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import java.util.List;

/** The columns a read asks for, resolved against the snapshot's schema. */
final class Projection {
  private Projection() {}

  /**
   * The named columns in the order given, or every column for an empty list.
   *
   * @throws FeatureStoreException {@code unknown-column} naming a column the schema does not have
   */
  static List<Column> columns(FeatureSetSchema schema, String featureSet, List<String> names) {
    List<Column> all = schema.columns();
    if (names.isEmpty()) {
      return all;
    }
    return names.stream()
        .map(name -> all.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
            FeatureStoreException.invalid("unknown-column", "column '" + name + "' is not in feature set '"
                + featureSet + "'; its columns are " + all.stream().map(Column::name).toList())))
        .toList();
  }
}
