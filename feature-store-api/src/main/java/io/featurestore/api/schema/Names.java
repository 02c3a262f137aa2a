package io.featurestore.api.schema;

import io.featurestore.api.FeatureStoreException;
import java.util.regex.Pattern;

/**
 * Validation of names that end up in object keys, SQL and file schemas. Feature-set names become a
 * path segment of every object key, so they are restricted to a set that cannot escape a prefix.
 */
public final class Names {
  private static final Pattern FEATURE_SET = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private Names() {}

  /** Lower-case letters, digits, '_' and '-', starting with a letter, at most 63 characters. */
  public static String checkFeatureSetName(String name) {
    if (name == null || !FEATURE_SET.matcher(name).matches()) {
      throw FeatureStoreException.invalid(
          "invalid-name",
          "feature set name '" + name + "' is invalid: use 1-63 lower-case letters, digits, '_' or '-',"
              + " starting with a letter");
    }
    return name;
  }

  /** Letters, digits and '_', not starting with a digit, at most 128 characters. */
  public static String checkColumnName(String name) {
    if (name == null || !COLUMN.matcher(name).matches()) {
      throw FeatureStoreException.invalid(
          "invalid-name",
          "column name '" + name + "' is invalid: use letters, digits and '_', not starting with a digit");
    }
    return name;
  }
}
