package io.featurestore.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.manifest.BucketLayout;
import io.featurestore.api.manifest.Operation;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.server.catalog.Catalog;
import io.featurestore.server.catalog.CatalogService;
import io.featurestore.server.catalog.FeatureSet;
import io.featurestore.server.catalog.FeatureSetVersion;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The catalog reports an error for an insert it committed (the connection dropped after the
 * COMMIT): the snapshot stands with its manifest and shards. An insert that did not land leaves nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class CommitAcknowledgementLostTest {
  private static final FeatureSetSchema SCHEMA = new FeatureSetSchema(
      List.of(Column.required("user_id", FeatureType.scalar(ScalarType.INT64))), "ts",
      List.of(Column.optional("score", FeatureType.scalar(ScalarType.FLOAT32))));

  @Autowired Catalog catalog;
  @Autowired CatalogService catalogService;
  @Autowired ObjectStore store;

  @Test
  void aCommittedSnapshotKeepsItsFilesWhenTheAcknowledgementIsLost() throws Exception {
    SnapshotService service = new SnapshotService(failingInsert(true), catalogService, store, Clock.systemUTC());
    FeatureSetVersion version = featureSet();
    ShardEntry shard = shard(version, "a");

    SnapshotService.CommitOutcome outcome = service.commit(version, Operation.APPEND, "a", List.of(shard), null, true);

    assertThat(outcome.created()).isTrue();
    assertThat(catalog.latestSnapshot(version.featureSet(), 1).orElseThrow().snapshotId()).isEqualTo("a");
    assertThat(store.list(BucketLayout.version(version.featureSet(), 1)))
        .as("the shard and the manifest").hasSize(2);
  }

  @Test
  void aSnapshotThatDidNotLandLeavesNothing() throws Exception {
    SnapshotService service = new SnapshotService(failingInsert(false), catalogService, store, Clock.systemUTC());
    FeatureSetVersion version = featureSet();
    ShardEntry shard = shard(version, "b");

    assertThatThrownBy(() -> service.commit(version, Operation.APPEND, "b", List.of(shard), null, true))
        .isInstanceOf(DataAccessResourceFailureException.class);

    assertThat(catalog.latestSnapshot(version.featureSet(), 1)).isEmpty();
    assertThat(store.list(BucketLayout.version(version.featureSet(), 1))).isEmpty();
  }

  private FeatureSetVersion featureSet() {
    String name = "ack-" + UUID.randomUUID().toString().substring(0, 8);
    Instant now = Instant.now();
    catalog.createFeatureSet(
        new FeatureSet(name, "d", "tests", List.of(), StorageOptions.defaults(), null, now, now),
        new FeatureSetVersion(name, 1, "", SCHEMA, now));
    return catalog.findVersion(name, 1).orElseThrow();
  }

  private ShardEntry shard(FeatureSetVersion version, String snapshotId) throws Exception {
    ObjectKey key = BucketLayout.data(version.featureSet(), 1, snapshotId).resolve("part-0.parquet");
    byte[] bytes = {1, 2, 3};
    store.put(key, bytes);
    return new ShardEntry(key, ShardFormat.PARQUET, 1, bytes.length, null, null, null, null, snapshotId);
  }

  /** The real catalog, whose insertSnapshot throws after inserting ({@code landed}) or instead of it. */
  private Catalog failingInsert(boolean landed) {
    return (Catalog) Proxy.newProxyInstance(Catalog.class.getClassLoader(), new Class<?>[] {Catalog.class},
        (proxy, method, args) -> {
          try {
            if (method.getName().equals("insertSnapshot")) {
              if (landed) {
                method.invoke(catalog, args);
              }
              throw new DataAccessResourceFailureException("connection reset");
            }
            return method.invoke(catalog, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
