package io.featurestore.api.storage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What the store knows about a stored object.
 *
 * @param key the object's key
 * @param size length in bytes
 * @param lastModified when the object was written, as the store reports it
 */
public record ObjectInfo(ObjectKey key, long size, Instant lastModified) {
  public ObjectInfo {
    requireNonNull(key, "key is null");
    requireNonNull(lastModified, "lastModified is null");
    if (size < 0) {
      throw new IllegalArgumentException("size is negative: " + size);
    }
  }
}
