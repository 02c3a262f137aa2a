package io.featurestore.api.storage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.featurestore.api.FeatureStoreException;

/**
 * The key of an object inside the store's bucket (and below its configured prefix), for example
 * {@code feature-sets/clicks/v1/data/<snapshot>/part-00000.parquet}.
 *
 * <p>Keys are '/'-separated relative paths with no empty, '.' or '..' segments, so a key can never
 * escape the store's root on a local disk nor alias another key on S3.
 */
public record ObjectKey(@JsonValue String path) implements Comparable<ObjectKey> {
  public ObjectKey {
    requireNonNull(path, "path is null");
    if (path.isEmpty() || path.length() > 1024) {
      throw invalid(path, "must have 1 to 1024 characters");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw invalid(path, "must not contain empty, '.' or '..' segments");
      }
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        throw invalid(path, "must not contain control characters or '\\'");
      }
    }
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ObjectKey of(String path) {
    return new ObjectKey(path);
  }

  /** This key with {@code child} appended as one or more segments. */
  public ObjectKey resolve(String child) {
    return new ObjectKey(path + "/" + child);
  }

  /** The last segment. */
  public String fileName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Whether this key lies under the prefix {@code prefix/}. */
  public boolean isUnder(ObjectKey prefix) {
    return path.startsWith(prefix.path + "/");
  }

  @Override
  public int compareTo(ObjectKey other) {
    return path.compareTo(other.path);
  }

  @Override
  public String toString() {
    return path;
  }

  private static FeatureStoreException invalid(String path, String why) {
    return FeatureStoreException.invalid("invalid-object-key", "object key '" + path + "' " + why);
  }
}
