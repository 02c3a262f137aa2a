package io.featurestore.client.shards;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectUpload;
import io.featurestore.storage.local.LocalObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * A local disk cache of whole shards in front of another source (the "cache on EBS" of repeated
 * epochs): a shard is downloaded once, its CRC32C checked against the manifest, then read from disk.
 * The cache holds at most {@code maxBytes}; the least recently used shards are evicted. A shard
 * larger than the whole cache is read from the source directly, so a small cache slows nothing down
 * and never blocks. Files survive restarts (the cache is rebuilt from the directory) and are
 * written atomically, so a killed process leaves no half shard behind. While shards download, each
 * reading thread may add up to one shard's temporary file beyond the limit. Planning a read only
 * {@linkplain #peek peeks} at footers, so it downloads nothing. Thread-safe.
 */
public final class CachedShards implements ShardSource {
  private final ShardSource source;
  private final LocalObjectStore disk;
  private final long maxBytes;
  /** Cached shards by key, least recently used first, with their sizes. Guarded by this. */
  private final LinkedHashMap<ObjectKey, Long> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long usedBytes;
  private final ConcurrentHashMap<ObjectKey, CompletableFuture<Void>> downloads = new ConcurrentHashMap<>();

  /**
   * @param source where shards come from; closed with the cache
   * @param directory the cache directory, created if needed
   * @param maxBytes most bytes the cache holds
   */
  public CachedShards(ShardSource source, Path directory, long maxBytes) throws IOException {
    this.source = requireNonNull(source, "source is null");
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.disk = new LocalObjectStore(directory);
    List<ObjectInfo> existing = disk.list(ObjectKey.of("feature-sets"));
    existing.stream().sorted(Comparator.comparing(ObjectInfo::lastModified)).forEach(info -> {
      entries.put(info.key(), info.size());
      usedBytes += info.size();
    });
    evict(0);
  }

  @Override
  public ObjectInput open(ShardEntry shard) throws IOException {
    if (shard.bytes() > maxBytes) {
      return source.open(shard);
    }
    while (true) {
      ObjectInput cached = cached(shard);
      if (cached != null) {
        return cached;
      }
      CompletableFuture<Void> mine = new CompletableFuture<>();
      CompletableFuture<Void> running = downloads.putIfAbsent(shard.key(), mine);
      if (running != null) {
        running.join(); // another thread is downloading this shard
        continue;
      }
      try {
        ObjectInput downloaded = download(shard);
        mine.complete(null);
        return downloaded;
      } catch (IOException | RuntimeException e) {
        mine.completeExceptionally(e);
        throw e;
      } finally {
        downloads.remove(shard.key());
      }
    }
  }

  /** The cached copy if there is one, else the source: a footer is not worth a whole shard's download. */
  @Override
  public ObjectInput peek(ShardEntry shard) throws IOException {
    ObjectInput cached = cached(shard);
    return cached != null ? cached : source.peek(shard);
  }

  private synchronized ObjectInput cached(ShardEntry shard) throws IOException {
    if (entries.get(shard.key()) == null) {
      return null;
    }
    try {
      return disk.open(shard.key());
    } catch (FeatureStoreException | IOException evictedMeanwhile) {
      entries.remove(shard.key());
      return null;
    }
  }

  /**
   * Downloads the shard into the cache and opens the cached file at once, so that another thread's
   * download cannot evict it first (readers of an evicted file keep reading it).
   */
  private ObjectInput download(ShardEntry shard) throws IOException {
    CRC32C crc = new CRC32C();
    try (ObjectInput input = source.open(shard);
        InputStream in = input.newStream(0);
        ObjectUpload file = disk.newUpload(shard.key())) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        crc.update(buffer, 0, n);
        file.write(buffer, 0, n);
      }
      String actual = String.format("%08x", crc.getValue());
      if (file.position() != shard.bytes() || (shard.crc32c() != null && !shard.crc32c().equals(actual))) {
        throw new FeatureStoreException(
            ErrorKind.INTERNAL, "corrupt-shard",
            "shard " + shard.key() + " is corrupt: " + file.position() + " bytes with CRC32C " + actual + ", the manifest says "
                + shard.bytes() + " bytes with CRC32C " + shard.crc32c());
      }
      synchronized (this) {
        evict(shard.bytes());
        file.complete();
        entries.put(shard.key(), shard.bytes());
        usedBytes += shard.bytes();
        return disk.open(shard.key());
      }
    }
  }

  /** Removes least recently used shards until {@code incoming} more bytes fit. Readers of an evicted file keep reading it. */
  private synchronized void evict(long incoming) throws IOException {
    var iterator = entries.entrySet().iterator();
    while (usedBytes + incoming > maxBytes && iterator.hasNext()) {
      Map.Entry<ObjectKey, Long> eldest = iterator.next();
      disk.delete(List.of(eldest.getKey()));
      usedBytes -= eldest.getValue();
      iterator.remove();
    }
  }

  /** Bytes of shards held on disk. */
  public synchronized long usedBytes() {
    return usedBytes;
  }

  @Override
  public void close() throws IOException {
    try {
      source.close();
    } finally {
      disk.close();
    }
  }
}
