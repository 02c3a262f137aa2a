package io.featurestore.api.schema;

import java.util.Locale;

/** The primitive value types a feature column can hold. Timestamps are UTC microseconds. */
public enum ScalarType {
  BOOL,
  INT32,
  INT64,
  FLOAT32,
  FLOAT64,
  STRING,
  BYTES,
  TIMESTAMP;

  public boolean isNumeric() {
    return this == INT32 || this == INT64 || this == FLOAT32 || this == FLOAT64;
  }

  /** The lower-case name used in JSON and in error messages, e.g. {@code float32}. */
  public String typeName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
