package io.featurestore.client.shards;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectStore;
import java.io.IOException;

/**
 * Shards read straight from the bucket with the client's own credentials. Every Parquet page read
 * is checked against its page checksum; whole-shard CRC32C checks need whole shards, see {@link
 * CachedShards}.
 */
public final class DirectShards implements ShardSource {
  private final ObjectStore store;

  /** @param store the bucket; closed with this source */
  public DirectShards(ObjectStore store) {
    this.store = requireNonNull(store, "store is null");
  }

  @Override
  public ObjectInput open(ShardEntry shard) throws IOException {
    return store.open(shard.key(), shard.bytes()); // the manifest knows the length: no HEAD per open
  }

  @Override
  public void close() throws IOException {
    store.close();
  }
}
