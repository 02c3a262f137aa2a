package io.featurestore.api.schema;

import static java.util.Objects.requireNonNull;

/**
 * A named, typed column of a feature set.
 *
 * @param name column name, see {@link Names#checkColumnName}
 * @param type value type
 * @param nullable whether rows may leave it empty; entity keys and the event timestamp never are
 */
public record Column(String name, FeatureType type, boolean nullable) {
  public Column {
    Names.checkColumnName(name);
    requireNonNull(type, "type is null");
  }

  public static Column required(String name, FeatureType type) {
    return new Column(name, type, false);
  }

  public static Column optional(String name, FeatureType type) {
    return new Column(name, type, true);
  }
}
