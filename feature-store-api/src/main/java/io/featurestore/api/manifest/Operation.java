package io.featurestore.api.manifest;

import io.featurestore.api.FeatureStoreException;

/** What a snapshot did to the data visible in its parent. */
public enum Operation {
  /** The parent's shards plus new ones. */
  APPEND,
  /** Only the new shards; the parent's data is no longer part of the latest state. */
  OVERWRITE;

  /** The operation named by an API {@code mode}: {@code append} or {@code overwrite}, any case. */
  public static Operation fromMode(String mode) {
    if (mode != null) {
      for (Operation operation : values()) {
        if (operation.name().equalsIgnoreCase(mode)) {
          return operation;
        }
      }
    }
    throw FeatureStoreException.invalid("invalid-mode", "mode must be append or overwrite, got '" + mode + "'");
  }
}
