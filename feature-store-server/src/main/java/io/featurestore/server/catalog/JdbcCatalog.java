package io.featurestore.server.catalog;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.ManifestCodec;
import io.featurestore.api.manifest.Operation;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.Partitioning;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The catalog in a relational database (H2 embedded, PostgreSQL in production); see V1__catalog.sql. */
@Repository
class JdbcCatalog implements Catalog {
  private static final String FEATURE_SET_COLUMNS =
      "f.id, f.name, f.description, f.owner, f.formats, f.target_shard_bytes, f.compression, f.partitioning, f.tfrecord_compression,"
          + " f.created_at, f.updated_at,"
          + " (select max(v.version) from feature_set_versions v where v.feature_set_id = f.id) as latest_version";
  private static final String VERSION_SELECT =
      "select f.name, v.version, v.description, v.schema_json, v.created_at"
          + " from feature_set_versions v join feature_sets f on f.id = v.feature_set_id";
  private static final String SNAPSHOT_SELECT =
      "select s.*, f.name, v.version from snapshots s"
          + " join feature_set_versions v on v.id = s.version_id join feature_sets f on f.id = v.feature_set_id";

  private final JdbcClient jdbc;

  JdbcCatalog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  @Transactional
  public FeatureSet createFeatureSet(FeatureSet fs, FeatureSetVersion first) {
    try {
      jdbc.sql("""
              insert into feature_sets (name, description, owner, formats, target_shard_bytes, compression,
                                        partitioning, tfrecord_compression, last_version, created_at, updated_at)
              values (:name, :description, :owner, :formats, :target, :compression, :partitioning, :tfrecordCompression, 0,
                      :created, :created)
              """)
          .params(columns(fs))
          .param("created", timestamp(fs.createdAt()))
          .update();
    } catch (DuplicateKeyException e) {
      throw FeatureStoreException.conflict(
          "feature-set-exists", "feature set '" + fs.name() + "' already exists; choose another name or add a version");
    }
    long id = featureSetId(fs.name()).orElseThrow();
    insertTags(id, fs.tags());
    createVersion(fs.name(), first.description(), first.schema(), fs.createdAt(), fs.createdAt()).orElseThrow();
    return findFeatureSet(fs.name()).orElseThrow();
  }

  @Override
  public Optional<FeatureSet> findFeatureSet(String name) {
    return featureSets("select " + FEATURE_SET_COLUMNS + " from feature_sets f where f.name = :name", Map.of("name", name))
        .stream()
        .findFirst();
  }

  @Override
  public List<FeatureSet> listFeatureSets(String owner, String tag, String afterName, int limit) {
    StringBuilder sql = new StringBuilder("select " + FEATURE_SET_COLUMNS + " from feature_sets f where 1 = 1");
    Map<String, Object> params = new java.util.HashMap<>();
    if (owner != null) {
      sql.append(" and f.owner = :owner");
      params.put("owner", owner);
    }
    if (tag != null) {
      sql.append(" and exists (select 1 from feature_set_tags t where t.feature_set_id = f.id and t.tag = :tag)");
      params.put("tag", tag);
    }
    if (afterName != null) {
      sql.append(" and f.name > :after");
      params.put("after", afterName);
    }
    sql.append(" order by f.name limit ").append(limit);
    return featureSets(sql.toString(), params);
  }

  @Override
  @Transactional
  public Optional<FeatureSet> updateFeatureSet(FeatureSet fs, Instant expectedUpdatedAt) {
    int updated =
        jdbc.sql("""
                update feature_sets set description = :description, owner = :owner, formats = :formats,
                  target_shard_bytes = :target, compression = :compression, partitioning = :partitioning,
                  tfrecord_compression = :tfrecordCompression, updated_at = :updated
                where name = :name and updated_at = :expected
                """)
            .params(columns(fs))
            .param("updated", timestamp(fs.updatedAt()))
            .param("expected", timestamp(expectedUpdatedAt))
            .update();
    Optional<Long> id = featureSetId(fs.name());
    if (id.isEmpty()) {
      throw featureSetNotFound(fs.name());
    }
    if (updated == 0) {
      return Optional.empty();
    }
    jdbc.sql("delete from feature_set_tags where feature_set_id = :id").param("id", id.get()).update();
    insertTags(id.get(), fs.tags());
    return findFeatureSet(fs.name());
  }

  @Override
  public boolean deleteFeatureSet(String name) {
    return jdbc.sql("delete from feature_sets where name = :name").param("name", name).update() > 0;
  }

  @Override
  @Transactional
  public Optional<FeatureSetVersion> createVersion(
      String featureSet, String description, FeatureSetSchema schema, Instant now, Instant expectedUpdatedAt) {
    // The row lock taken by this update serializes concurrent version creation.
    int updated =
        jdbc.sql("""
                update feature_sets set last_version = last_version + 1, updated_at = :now
                where name = :name and updated_at = :expected
                """)
            .param("name", featureSet)
            .param("now", timestamp(now))
            .param("expected", timestamp(expectedUpdatedAt))
            .update();
    if (updated == 0) {
      if (featureSetId(featureSet).isEmpty()) {
        throw featureSetNotFound(featureSet);
      }
      return Optional.empty();
    }
    int version =
        jdbc.sql("select last_version from feature_sets where name = :name").param("name", featureSet).query(Integer.class).single();
    jdbc.sql("""
            insert into feature_set_versions (feature_set_id, version, description, schema_json, created_at)
            select id, :version, :description, :schema, :created from feature_sets where name = :name
            """)
        .param("name", featureSet)
        .param("version", version)
        .param("description", description)
        .param("schema", ManifestCodec.schemaToJson(schema))
        .param("created", timestamp(now))
        .update();
    return Optional.of(new FeatureSetVersion(featureSet, version, description, schema, now));
  }

  @Override
  public Optional<FeatureSetVersion> findVersion(String featureSet, int version) {
    return jdbc.sql(VERSION_SELECT + " where f.name = :name and v.version = :version")
        .param("name", featureSet)
        .param("version", version)
        .query(JdbcCatalog::version)
        .optional();
  }

  @Override
  public List<FeatureSetVersion> listVersions(String featureSet) {
    return jdbc.sql(VERSION_SELECT + " where f.name = :name order by v.version")
        .param("name", featureSet)
        .query(JdbcCatalog::version)
        .list();
  }

  @Override
  public boolean deleteVersion(String featureSet, int version) {
    return jdbc.sql("""
            delete from feature_set_versions
            where version = :version and feature_set_id = (select id from feature_sets where name = :name)
            """)
            .param("name", featureSet)
            .param("version", version)
            .update()
        > 0;
  }

  @Override
  public Optional<SnapshotRecord> latestSnapshot(String featureSet, int version) {
    return listSnapshots(featureSet, version, null, 1).stream().findFirst();
  }

  @Override
  public Optional<SnapshotRecord> snapshotAsOf(String featureSet, int version, Instant asOf) {
    // Commit times are microseconds; PostgreSQL would round a finer asOf, possibly up past a later commit.
    return snapshot(
        featureSet, version, "s.committed_at <= :value order by s.sequence_number desc limit 1",
        timestamp(asOf.truncatedTo(ChronoUnit.MICROS)));
  }

  @Override
  public Optional<SnapshotRecord> findSnapshot(String featureSet, int version, String snapshotId) {
    return snapshot(featureSet, version, "s.snapshot_id = :value", snapshotId);
  }

  @Override
  public Optional<SnapshotRecord> findSnapshotByIdempotencyKey(String featureSet, int version, String key) {
    return snapshot(featureSet, version, "s.idempotency_key = :value", key);
  }

  /** The snapshot of a version matching {@code condition}, which refers to its one parameter as {@code :value}. */
  private Optional<SnapshotRecord> snapshot(String featureSet, int version, String condition, Object value) {
    return jdbc.sql(SNAPSHOT_SELECT + " where f.name = :name and v.version = :version and " + condition)
        .param("name", featureSet)
        .param("version", version)
        .param("value", value)
        .query(JdbcCatalog::snapshot)
        .optional();
  }

  @Override
  public List<SnapshotRecord> listSnapshots(String featureSet, int version, Long beforeSequence, int limit) {
    return jdbc.sql(SNAPSHOT_SELECT + " where f.name = :name and v.version = :version"
                + (beforeSequence == null ? "" : " and s.sequence_number < :before")
                + " order by s.sequence_number desc limit " + limit)
        .param("name", featureSet)
        .param("version", version)
        .params(beforeSequence == null ? Map.of() : Map.of("before", beforeSequence))
        .query(JdbcCatalog::snapshot)
        .list();
  }

  // Not @Transactional on purpose: after a unique violation PostgreSQL refuses further statements in
  // the same transaction, and the follow-up lookups below must run.
  @Override
  public CommitResult insertSnapshot(SnapshotRecord s) {
    int inserted;
    try {
      inserted =
          jdbc.sql("""
                  insert into snapshots (snapshot_id, version_id, sequence_number, parent_snapshot_id, operation,
                    manifest_key, row_count, byte_count, shard_count, added_rows, added_bytes, idempotency_key,
                    committed_at)
                  select :id, v.id, :sequence, :parent, :operation, :manifest, :rows, :bytes, :shards, :addedRows,
                    :addedBytes, :idempotencyKey, :committed
                  from feature_set_versions v join feature_sets f on f.id = v.feature_set_id
                  where f.name = :name and v.version = :version
                  """)
              .param("id", s.snapshotId())
              .param("sequence", s.sequenceNumber())
              .param("parent", s.parentSnapshotId())
              .param("operation", s.operation().name())
              .param("manifest", s.manifestKey())
              .param("rows", s.rowCount())
              .param("bytes", s.byteCount())
              .param("shards", s.shardCount())
              .param("addedRows", s.addedRows())
              .param("addedBytes", s.addedBytes())
              .param("idempotencyKey", s.idempotencyKey())
              .param("committed", timestamp(s.committedAt()))
              .param("name", s.featureSet())
              .param("version", s.version())
              .update();
    } catch (DuplicateKeyException e) {
      if (s.idempotencyKey() != null
          && findSnapshotByIdempotencyKey(s.featureSet(), s.version(), s.idempotencyKey()).isPresent()) {
        return CommitResult.IDEMPOTENCY_KEY_TAKEN;
      }
      return CommitResult.SEQUENCE_TAKEN;
    }
    if (inserted == 0) {
      throw FeatureStoreException.notFound(
          "version-not-found",
          "feature set '" + s.featureSet() + "' has no version " + s.version() + " (deleted during the write?)");
    }
    return CommitResult.COMMITTED;
  }

  private Optional<Long> featureSetId(String name) {
    return jdbc.sql("select id from feature_sets where name = :name").param("name", name).query(Long.class).optional();
  }

  private void insertTags(long id, List<String> tags) {
    for (String tag : tags) {
      jdbc.sql("insert into feature_set_tags (feature_set_id, tag) values (:id, :tag)")
          .param("id", id)
          .param("tag", tag)
          .update();
    }
  }

  private List<FeatureSet> featureSets(String sql, Map<String, ?> params) {
    List<Row> rows = jdbc.sql(sql).params(params).query(JdbcCatalog::row).list();
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<Long, List<String>> tags =
        jdbc.sql("select feature_set_id, tag from feature_set_tags where feature_set_id in (:ids) order by tag")
            .param("ids", rows.stream().map(Row::id).toList())
            .query((rs, n) -> Map.entry(rs.getLong(1), rs.getString(2)))
            .list()
            .stream()
            .collect(groupingBy(Map.Entry::getKey, mapping(Map.Entry::getValue, toList())));
    return rows.stream().map(r -> r.toFeatureSet(tags.getOrDefault(r.id(), List.of()))).toList();
  }

  /** A feature_sets row before its tags are attached. */
  private record Row(long id, FeatureSet withoutTags) {
    FeatureSet toFeatureSet(List<String> tags) {
      FeatureSet f = withoutTags;
      return new FeatureSet(f.name(), f.description(), f.owner(), tags, f.storage(), f.latestVersion(), f.createdAt(), f.updatedAt());
    }
  }

  private static Row row(ResultSet rs, int n) throws SQLException {
    EnumSet<ShardFormat> formats = EnumSet.noneOf(ShardFormat.class);
    Arrays.stream(rs.getString("formats").split(",")).map(ShardFormat::valueOf).forEach(formats::add);
    StorageOptions storage =
        new StorageOptions(
            formats,
            rs.getLong("target_shard_bytes"),
            Compression.valueOf(rs.getString("compression")),
            Partitioning.valueOf(rs.getString("partitioning")),
            Compression.valueOf(rs.getString("tfrecord_compression")));
    Integer latest = rs.getObject("latest_version", Integer.class); // null once every version is deleted
    return new Row(
        rs.getLong("id"),
        new FeatureSet(
            rs.getString("name"), rs.getString("description"), rs.getString("owner"), List.of(), storage,
            latest, instant(rs, "created_at"), instant(rs, "updated_at")));
  }

  private static FeatureSetVersion version(ResultSet rs, int n) throws SQLException {
    return new FeatureSetVersion(
        rs.getString("name"),
        rs.getInt("version"),
        rs.getString("description"),
        ManifestCodec.schemaFromJson(rs.getString("schema_json")),
        instant(rs, "created_at"));
  }

  private static SnapshotRecord snapshot(ResultSet rs, int n) throws SQLException {
    return new SnapshotRecord(
        rs.getString("snapshot_id"),
        rs.getString("name"),
        rs.getInt("version"),
        rs.getLong("sequence_number"),
        rs.getString("parent_snapshot_id"),
        Operation.valueOf(rs.getString("operation")),
        rs.getString("manifest_key"),
        rs.getLong("row_count"),
        rs.getLong("byte_count"),
        rs.getInt("shard_count"),
        rs.getLong("added_rows"),
        rs.getLong("added_bytes"),
        rs.getString("idempotency_key"),
        instant(rs, "committed_at"));
  }

  /** The feature_sets columns of a feature set, as named parameters. */
  private static Map<String, Object> columns(FeatureSet fs) {
    return Map.of(
        "name", fs.name(),
        "description", fs.description(),
        "owner", fs.owner(),
        "formats", formats(fs.storage()),
        "target", fs.storage().targetShardBytes(),
        "compression", fs.storage().compression().name(),
        "partitioning", fs.storage().partitioning().name(),
        "tfrecordCompression", fs.storage().tfrecordCompression().name());
  }

  private static String formats(StorageOptions storage) {
    return storage.formats().stream().map(Enum::name).sorted().collect(Collectors.joining(","));
  }

  /**
   * The database keeps microseconds (H2 and PostgreSQL); truncated here, a time written and the same
   * time compared later (an update's expected time) are equal, whatever precision the caller had.
   */
  private static OffsetDateTime timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static FeatureStoreException featureSetNotFound(String name) {
    return FeatureStoreException.notFound("feature-set-not-found", "feature set '" + name + "' does not exist");
  }
}
