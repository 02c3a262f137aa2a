package io.featurestore.api.schema;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.FeatureStoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The immutable schema of one feature-set version: entity keys, the event timestamp and features.
 *
 * <p>Data files hold the columns in {@link #columns()} order: entity keys, event timestamp, features.
 *
 * @param entityKeys one or more non-null key columns of type int64 or string
 * @param eventTimestamp name of the non-null timestamp column that says when each row was observed
 * @param features the feature columns (may be empty)
 */
public record FeatureSetSchema(List<Column> entityKeys, String eventTimestamp, List<Column> features) {
  public FeatureSetSchema {
    requireNonNull(entityKeys, "entityKeys is null");
    requireNonNull(features, "features is null");
    entityKeys = List.copyOf(entityKeys);
    features = List.copyOf(features);
    Names.checkColumnName(eventTimestamp);
    if (entityKeys.isEmpty()) {
      throw FeatureStoreException.invalid("invalid-schema", "a feature set needs at least one entity key");
    }
    Set<String> seen = new HashSet<>();
    for (Column key : entityKeys) {
      ScalarType t = key.type().element();
      if (!key.type().isScalar() || (t != ScalarType.INT64 && t != ScalarType.STRING)) {
        throw FeatureStoreException.invalid(
            "invalid-schema",
            "entity key '" + key.name() + "' has type " + key.type() + ": keys must be int64 or string");
      }
      if (key.nullable()) {
        throw FeatureStoreException.invalid(
            "invalid-schema", "entity key '" + key.name() + "' must not be nullable");
      }
      checkUnique(seen, key.name());
    }
    checkUnique(seen, eventTimestamp);
    for (Column feature : features) {
      checkUnique(seen, feature.name());
    }
  }

  private static void checkUnique(Set<String> seen, String name) {
    // Parquet readers (DuckDB, Spark) match columns case-insensitively, so names must differ in more than case.
    if (!seen.add(name.toLowerCase(java.util.Locale.ROOT))) {
      throw FeatureStoreException.invalid("invalid-schema", "column name '" + name + "' is used twice");
    }
  }

  /** The event-timestamp column as a column: non-null, type timestamp. */
  public Column eventTimestampColumn() {
    return Column.required(eventTimestamp, FeatureType.scalar(ScalarType.TIMESTAMP));
  }

  /** All columns in file order: entity keys, event timestamp, features. */
  public List<Column> columns() {
    List<Column> all = new ArrayList<>(entityKeys.size() + 1 + features.size());
    all.addAll(entityKeys);
    all.add(eventTimestampColumn());
    all.addAll(features);
    return List.copyOf(all);
  }

  /** Index of the event timestamp in {@link #columns()}. */
  public int eventTimestampIndex() {
    return entityKeys.size();
  }
}
