package io.featurestore.api.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A flat namespace of immutable objects: an S3-compatible bucket or a local directory.
 *
 * <p>Implementations are thread-safe. Failures to reach the store surface as {@link
 * io.featurestore.api.FeatureStoreException} of kind {@code UNAVAILABLE}; a missing object as kind
 * {@code NOT_FOUND}. Written objects are never modified in place: the feature store only creates
 * new keys and deletes old ones.
 */
public interface ObjectStore extends Closeable {
  /** Starts a streaming write of {@code key}; nothing is visible until {@link ObjectUpload#complete()}. */
  ObjectUpload newUpload(ObjectKey key) throws IOException;

  /** Writes a small object (a manifest) in one request, replacing any object with that key. */
  ObjectInfo put(ObjectKey key, byte[] content) throws IOException;

  /** Opens an object for reading. */
  ObjectInput open(ObjectKey key) throws IOException;

  /**
   * Opens an object whose length the caller already knows (a shard listed in a manifest), saving
   * the request a store may need to learn it (a HEAD on S3). A missing object may then fail only
   * at the first read, with the same {@code NOT_FOUND} error.
   */
  default ObjectInput open(ObjectKey key, long length) throws IOException {
    return open(key);
  }

  /** The object's description, or empty if there is no such object. */
  Optional<ObjectInfo> stat(ObjectKey key) throws IOException;

  /** All objects whose key starts with {@code prefix + "/"}, in key order. */
  List<ObjectInfo> list(ObjectKey prefix) throws IOException;

  /** Deletes the objects; keys that do not exist are ignored. */
  void delete(Collection<ObjectKey> keys) throws IOException;

  /** A URI naming the object for other engines, e.g. {@code s3://bucket/prefix/key} or {@code file:/...}. */
  String uri(ObjectKey key);
}
