package io.featurestore.client.shards;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.storage.ObjectInput;
import java.io.IOException;

/**
 * How the client reaches shard bytes: open a shard, then positional (ranged) reads. Implementations
 * are thread-safe. The seam for other ways in, such as server-vended presigned URLs.
 */
public interface ShardSource extends AutoCloseable {
  /** Opens the shard; the caller closes the input. */
  ObjectInput open(ShardEntry shard) throws IOException;

  /**
   * Opens the shard for a few small reads, such as its footer when a read is planned; a cache
   * serves it if it has it but does not fetch the whole shard for it.
   */
  default ObjectInput peek(ShardEntry shard) throws IOException {
    return open(shard);
  }

  @Override
  void close() throws IOException;
}
