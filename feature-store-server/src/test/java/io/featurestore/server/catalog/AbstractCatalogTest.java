package io.featurestore.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.ManifestCodec;
import io.featurestore.api.manifest.Operation;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.server.catalog.Catalog.CommitResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The catalog contract, run against every supported database. */
abstract class AbstractCatalogTest {
  static final FeatureSetSchema SCHEMA =
      new FeatureSetSchema(
          List.of(Column.required("user_id", FeatureType.scalar(ScalarType.INT64))),
          "ts",
          List.of(Column.optional("score", FeatureType.scalar(ScalarType.FLOAT32))));
  static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

  @Autowired Catalog catalog;
  @Autowired PlatformTransactionManager transactions;
  @Autowired JdbcClient jdbc;

  FeatureSet create(String name, String owner, List<String> tags) {
    return catalog.createFeatureSet(
        new FeatureSet(name, "d", owner, tags, StorageOptions.defaults(), null, T0, T0),
        new FeatureSetVersion(name, 1, "", SCHEMA, T0));
  }

  static String name() {
    return "fs-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void storesFeatureSetsExactly() {
    String name = name();
    FeatureSet created = create(name, "ads", List.of("a", "b"));
    assertThat(created).isEqualTo(new FeatureSet(name, "d", "ads", List.of("a", "b"), StorageOptions.defaults(), 1, T0, T0));
    assertThat(catalog.findFeatureSet(name)).contains(created);
    assertThat(catalog.findVersion(name, 1)).contains(new FeatureSetVersion(name, 1, "", SCHEMA, T0));
    assertThatThrownBy(() -> create(name, "other", List.of()))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
  }

  @Test
  void filtersByOwnerAndTag() {
    String owner = "owner-" + UUID.randomUUID();
    String first = "a" + name();
    String second = "b" + name();
    create(first, owner, List.of("x"));
    create(second, owner, List.of("x", "y"));
    assertThat(catalog.listFeatureSets(owner, null, null, 10)).extracting(FeatureSet::name).containsExactly(first, second);
    assertThat(catalog.listFeatureSets(owner, "y", null, 10)).extracting(FeatureSet::name).containsExactly(second);
    assertThat(catalog.listFeatureSets(owner, null, first, 10)).extracting(FeatureSet::name).containsExactly(second);
  }

  @Test
  void updatesOnlyAFeatureSetUnchangedSinceRead() {
    String name = name();
    create(name, "ads", List.of("a"));
    Instant later = T0.plusSeconds(1);
    FeatureSet first = new FeatureSet(name, "d2", "growth", List.of("b"), StorageOptions.defaults(), 1, T0, later);
    assertThat(catalog.updateFeatureSet(first, T0)).contains(first);
    // A second writer that read the feature set before the first change must re-read it.
    FeatureSet stale = new FeatureSet(name, "d3", "ads", List.of("a"), StorageOptions.defaults(), 1, T0, later.plusSeconds(1));
    assertThat(catalog.updateFeatureSet(stale, T0)).isEmpty();
    assertThat(catalog.findFeatureSet(name)).contains(first);
    FeatureSet missing = new FeatureSet("missing-" + name, "d", "ads", List.of(), StorageOptions.defaults(), 1, T0, later);
    assertThatThrownBy(() -> catalog.updateFeatureSet(missing, T0))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  void versionNumbersAreNeverReused() {
    String name = name();
    create(name, "ads", List.of());
    assertThat(addVersion(name).version()).isEqualTo(2);
    assertThat(catalog.deleteVersion(name, 2)).isTrue();
    assertThat(addVersion(name).version()).isEqualTo(3);
    assertThat(catalog.listVersions(name)).extracting(FeatureSetVersion::version).containsExactly(1, 3);
    assertThat(catalog.deleteVersion(name, 1)).isTrue();
    assertThat(catalog.deleteVersion(name, 3)).isTrue();
    assertThat(catalog.findFeatureSet(name).orElseThrow().latestVersion()).as("no version left").isNull();
    assertThat(addVersion(name).version()).isEqualTo(4);
    assertThatThrownBy(() -> catalog.createVersion("missing-" + name, "", SCHEMA, T0, T0))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  void aVersionIsAddedOnlyToAFeatureSetUnchangedSinceRead() {
    String name = name();
    create(name, "ads", List.of());
    Instant read = catalog.findFeatureSet(name).orElseThrow().updatedAt();
    assertThat(addVersion(name).version()).isEqualTo(2); // a change since `read`
    assertThat(catalog.createVersion(name, "", SCHEMA, read.plusSeconds(5), read)).isEmpty();
    assertThat(catalog.listVersions(name)).extracting(FeatureSetVersion::version).containsExactly(1, 2);
  }

  private FeatureSetVersion addVersion(String name) {
    Instant read = catalog.findFeatureSet(name).orElseThrow().updatedAt();
    return catalog.createVersion(name, "", SCHEMA, read.plusSeconds(1), read).orElseThrow();
  }

  @Test
  void commitsAreOrderedByUniqueSequenceNumbers() {
    String name = name();
    create(name, "ads", List.of());
    SnapshotRecord first = snapshot(name, 1, null, "key-1", T0);
    assertThat(catalog.insertSnapshot(first)).isEqualTo(CommitResult.COMMITTED);
    // A concurrent writer that also read "no head" loses the race for sequence 1.
    assertThat(catalog.insertSnapshot(snapshot(name, 1, null, null, T0))).isEqualTo(CommitResult.SEQUENCE_TAKEN);
    // A retry with the same idempotency key is recognised whatever its sequence number.
    assertThat(catalog.insertSnapshot(snapshot(name, 2, first.snapshotId(), "key-1", T0)))
        .isEqualTo(CommitResult.IDEMPOTENCY_KEY_TAKEN);
    SnapshotRecord second = snapshot(name, 2, first.snapshotId(), "key-2", T0.plusSeconds(60));
    assertThat(catalog.insertSnapshot(second)).isEqualTo(CommitResult.COMMITTED);

    assertThat(catalog.latestSnapshot(name, 1)).contains(second);
    assertThat(catalog.findSnapshot(name, 1, first.snapshotId())).contains(first);
    assertThat(catalog.findSnapshotByIdempotencyKey(name, 1, "key-1")).contains(first);
    assertThat(catalog.snapshotAsOf(name, 1, T0.plusSeconds(59))).contains(first);
    assertThat(catalog.snapshotAsOf(name, 1, T0.minusSeconds(1))).isEmpty();
    assertThat(catalog.listSnapshots(name, 1, null, 10)).containsExactly(second, first);
    assertThat(catalog.listSnapshots(name, 1, 2L, 10)).containsExactly(first);
  }

  @Test
  void aCommitCollidingWithAnUncommittedOneLosesTheSequence() throws Exception {
    String name = name();
    create(name, "ads", List.of());
    CommitResult result =
        whileUncommitted(
            () -> catalog.insertSnapshot(snapshot(name, 1, null, null, T0)),
            () -> catalog.insertSnapshot(snapshot(name, 1, null, null, T0)));
    assertThat(result).isEqualTo(CommitResult.SEQUENCE_TAKEN);
    assertThat(catalog.listSnapshots(name, 1, null, 10)).hasSize(1);
  }

  @Test
  void aNameCollidingWithAnUncommittedFeatureSetIsTaken() throws Exception {
    String name = name();
    assertThatThrownBy(() -> whileUncommitted(() -> create(name, "ads", List.of()), () -> create(name, "other", List.of())))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> assertThat(e.code()).isEqualTo("feature-set-exists"));
    assertThat(catalog.findFeatureSet(name).orElseThrow().owner()).isEqualTo("ads");
  }

  /**
   * Runs {@code colliding} while another transaction has done {@code first} and not committed, and
   * commits that one once {@code colliding} waits for its row lock. PostgreSQL then reports a
   * duplicate key. H2 detects the uncommitted row (its error 90131) and retries the statement until
   * the commit or its lock timeout, then reports a duplicate key too: 90131 never reaches the catalog.
   */
  private <T> T whileUncommitted(Runnable first, Supplier<T> colliding) throws Exception {
    CountDownLatch written = new CountDownLatch(1);
    CountDownLatch collidingWaits = new CountDownLatch(1);
    CompletableFuture<Void> other =
        CompletableFuture.runAsync(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
          first.run();
          written.countDown();
          try {
            assertThat(collidingWaits.await(10, TimeUnit.SECONDS)).isTrue();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
    assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<T> collision = CompletableFuture.supplyAsync(colliding);
    awaitLockWait(collision);
    collidingWaits.countDown();
    try {
      return collision.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } finally {
      other.get(10, TimeUnit.SECONDS);
    }
  }

  /** Returns once a session of the database waits for another's lock. */
  private void awaitLockWait(CompletableFuture<?> waiter) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (jdbc.sql(lockWaitsQuery()).query(Long.class).single() == 0) {
      assertThat(waiter).as("the colliding statement ended without waiting").isNotDone();
      assertThat(System.nanoTime()).as("a session waiting for a lock").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  /** Counts the sessions waiting for another's lock. */
  abstract String lockWaitsQuery();

  @Test
  void theWidestSchemaAllowedFitsTheCatalog() {
    FeatureType widest = FeatureType.vector(ScalarType.FLOAT64, FeatureType.MAX_DIMENSION);
    List<Column> features = new ArrayList<>();
    for (int i = 0; i < CatalogService.MAX_COLUMNS - 2; i++) {
      features.add(Column.required("f%0127d".formatted(i), widest));
    }
    FeatureSetSchema schema =
        new FeatureSetSchema(
            List.of(Column.required("k".repeat(128), FeatureType.scalar(ScalarType.STRING))), "t".repeat(128), features);
    assertThat(ManifestCodec.schemaToJson(schema).length()).as("close to the column's 1,000,000").isGreaterThan(900_000);
    String name = name();
    catalog.createFeatureSet(
        new FeatureSet(name, "d", "ads", List.of(), StorageOptions.defaults(), null, T0, T0),
        new FeatureSetVersion(name, 1, "", schema, T0));
    assertThat(catalog.findVersion(name, 1).orElseThrow().schema()).isEqualTo(schema);
  }

  @Test
  void asOfBetweenMicrosecondsFindsWhatWasCommittedBeforeIt() {
    String name = name();
    create(name, "ads", List.of());
    SnapshotRecord first = snapshot(name, 1, null, null, T0);
    catalog.insertSnapshot(first);
    // The catalog keeps microseconds; PostgreSQL would round these instants to T0, H2 compare them exactly.
    assertThat(catalog.snapshotAsOf(name, 1, T0.minusNanos(1))).isEmpty();
    assertThat(catalog.snapshotAsOf(name, 1, T0.minusNanos(400))).isEmpty();
    assertThat(catalog.snapshotAsOf(name, 1, T0.plusNanos(999))).contains(first);
  }

  @Test
  void commitToDeletedVersionFails() {
    String name = name();
    create(name, "ads", List.of());
    catalog.deleteFeatureSet(name);
    assertThatThrownBy(() -> catalog.insertSnapshot(snapshot(name, 1, null, null, T0)))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  private static SnapshotRecord snapshot(String name, long sequence, String parent, String key, Instant at) {
    String id = UUID.randomUUID().toString();
    return new SnapshotRecord(
        id, name, 1, sequence, parent, Operation.APPEND, "feature-sets/" + name + "/v1/manifests/" + id + ".json",
        10 * sequence, 1000 * sequence, (int) sequence, 10, 1000, key, at.truncatedTo(ChronoUnit.MICROS));
  }
}
