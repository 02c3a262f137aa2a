package io.featurestore.client.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.client.shards.CachedShards;
import io.featurestore.client.shards.DirectShards;
import io.featurestore.client.shards.ShardSource;
import io.featurestore.storage.local.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every stream test again through a disk cache that holds about half the snapshot, so shards are evicted and fetched again. */
class CachedSnapshotStreamTest extends AbstractSnapshotStreamTest {
  static LocalObjectStore store;
  static SnapshotManifest manifest;
  static Path cacheDirectory;
  static CachedShards cache;

  @BeforeAll
  static void write() throws Exception {
    store = new LocalObjectStore(Files.createTempDirectory("cache-test-bucket"));
    manifest = TestSnapshots.write(store, "cached", ROWS);
    cacheDirectory = Files.createTempDirectory("cache-test");
    cache = new CachedShards(new UnclosedShards(store), cacheDirectory, manifest.byteCount() / 2);
  }

  @AfterAll
  static void close() throws Exception {
    cache.close();
    store.close();
  }

  @Override
  ObjectStore store() {
    return store;
  }

  @Override
  SnapshotManifest manifest() {
    return manifest;
  }

  @Override
  ShardSource shards() {
    return cache;
  }

  @Test
  void cacheStaysWithinItsLimitAndSurvivesRestart() throws Exception {
    read(ReadOptions.ordered());
    assertThat(cache.usedBytes()).isPositive().isLessThanOrEqualTo(manifest.byteCount() / 2);
    try (CachedShards reopened = new CachedShards(new UnclosedShards(store), cacheDirectory, manifest.byteCount() / 2)) {
      assertThat(reopened.usedBytes()).isEqualTo(cache.usedBytes());
    }
  }

  @Test
  void planningAReadDownloadsNothing() throws Exception {
    try (CachedShards fresh = new CachedShards(new UnclosedShards(store), Files.createTempDirectory("plan-cache"), 1L << 30);
        SnapshotStream stream = new SnapshotStream(manifest, fresh, ReadOptions.ordered(), null, POOL, allocator, 1)) {
      // Footers come from the bucket; with a budget of one unit, only the first unit's shard is fetched.
      long largestShard = manifest.shards().stream().mapToLong(ShardEntry::bytes).max().orElseThrow();
      assertThat(manifest.shards()).hasSizeGreaterThan(3);
      assertThat(stream.next()).isTrue();
      assertThat(fresh.usedBytes()).isPositive().isLessThanOrEqualTo(largestShard);
    }
  }

  @Test
  void cacheSmallerThanOneShardReadsFromTheBucket() throws Exception {
    try (CachedShards tiny = new CachedShards(new UnclosedShards(store), Files.createTempDirectory("tiny-cache"), 1000);
        SnapshotStream stream = new SnapshotStream(manifest, tiny, ReadOptions.ordered(), null, POOL, allocator, 1 << 20)) {
      assertThat(drain(stream, Integer.MAX_VALUE).ids()).hasSize(ROWS);
      assertThat(tiny.usedBytes()).isZero();
    }
  }

  @Test
  void shardNotMatchingItsChecksumIsRefused() throws Exception {
    ShardEntry shard = manifest.shards().get(0);
    ShardEntry wrong = new ShardEntry(shard.key(), shard.format(), shard.rows(), shard.bytes(), "00000000",
        shard.minEventTime(), shard.maxEventTime(), shard.partition(), shard.addedBy());
    try (CachedShards fresh = new CachedShards(new UnclosedShards(store), Files.createTempDirectory("crc-cache"), 1L << 30)) {
      assertThatThrownBy(() -> fresh.open(wrong))
          .isInstanceOfSatisfying(FeatureStoreException.class, e -> {
            assertThat(e.code()).isEqualTo("corrupt-shard");
            assertThat(e.getMessage()).contains(shard.key().path(), "00000000", shard.crc32c());
          });
      assertThat(fresh.usedBytes()).isZero();
      fresh.open(shard).close(); // the right checksum is accepted
      assertThat(fresh.usedBytes()).isEqualTo(shard.bytes());
    }
    assertThat(List.of(shard.crc32c())).doesNotContainNull();
  }

  /** Direct reads of a store the test closes itself. */
  private static final class UnclosedShards implements ShardSource {
    private final DirectShards direct;

    UnclosedShards(ObjectStore store) {
      this.direct = new DirectShards(store);
    }

    @Override
    public io.featurestore.api.storage.ObjectInput open(ShardEntry shard) throws java.io.IOException {
      return direct.open(shard);
    }

    @Override
    public void close() {}
  }
}
