package io.featurestore.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.api.manifest.BucketLayout;
import io.featurestore.api.manifest.ManifestCodec;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.server.TestApi;
import io.featurestore.server.TestApi.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Feature set, uploads and independent reads (manifest + DuckDB) for ingest tests. */
abstract class IngestTestSupport {
  static final String SCHEMA =
      """
      {"entityKeys": [{"name": "user_id", "type": "int64", "nullable": false}],
       "eventTimestamp": "event_time",
       "features": [{"name": "clicks", "type": "int64", "nullable": false},
                    {"name": "ctr", "type": "float32", "nullable": true},
                    {"name": "country", "type": "string", "nullable": true},
                    {"name": "embedding", "type": "float32[4]", "nullable": true}]}
      """;
  static final String ARROW = "application/vnd.apache.arrow.stream";

  @LocalServerPort int port;
  @Autowired ObjectStore store;
  @TempDir Path temp;
  TestApi api;
  String name;

  @BeforeEach
  void createFeatureSet() {
    api = new TestApi(port);
    name = "ingest-" + UUID.randomUUID().toString().substring(0, 8);
    IngestTestFixtures.createFeatureSet(api, name);
  }

  String snapshots() {
    return "/api/v1/feature-sets/" + name + "/versions/1/snapshots";
  }

  Response uploadArrow(long first, int count, String... headers) {
    return IngestTestFixtures.uploadArrow(api, name, first, count, headers);
  }

  io.featurestore.api.schema.FeatureSetSchema schema() {
    return IngestTestFixtures.schema();
  }

  /** Makes the test's feature set write Parquet and TFRecord shards. */
  void useBothFormats() {
    Response patched =
        api.patch("/api/v1/feature-sets/" + name, "{\"storage\": {\"formats\": [\"PARQUET\", \"TFRECORD\"]}}");
    assertThat(patched.status()).as(patched.raw().body()).isEqualTo(200);
  }

  SnapshotManifest manifest(String snapshotRef) {
    Response response = api.get(snapshots() + "/" + snapshotRef + "/manifest");
    assertThat(response.status()).as(response.raw().body()).isEqualTo(200);
    return ManifestCodec.fromJson(response.raw().body().getBytes(StandardCharsets.UTF_8));
  }

  /** Runs a query over the snapshot's shards, fetched from the bucket by the manifest's keys. */
  List<List<Object>> query(SnapshotManifest manifest, String select) throws Exception {
    List<String> files = new ArrayList<>();
    for (ShardEntry shard : manifest.shards(ShardFormat.PARQUET)) {
      Path file = temp.resolve(UUID.randomUUID() + ".parquet");
      try (ObjectInput input = store.open(shard.key()); InputStream in = input.newStream(0)) {
        Files.copy(in, file);
      }
      assertThat(Files.size(file)).isEqualTo(shard.bytes());
      files.add("'" + file + "'");
    }
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rs = statement.executeQuery(
            select.replace("SNAPSHOT", "read_parquet([" + String.join(",", files) + "])"))) {
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
          row.add(rs.getObject(c));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  List<ObjectInfo> objectsOfVersion() throws IOException {
    return store.list(BucketLayout.version(name, 1));
  }

  static java.math.BigInteger sumTo(long n) {
    return java.math.BigInteger.valueOf(n * (n - 1) / 2);
  }

  /** A Parquet file written by DuckDB (an independent writer) with {@code rows} rows of the schema. */
  Path duckParquet(int rows, String clicksExpression, boolean withCountry) throws Exception {
    return duckParquet(rows, clicksExpression, withCountry, 122_880); // DuckDB's default row group
  }

  Path duckParquet(int rows, String clicksExpression, boolean withCountry, int rowGroupRows) throws Exception {
    Path file = temp.resolve(UUID.randomUUID() + ".parquet");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duck.createStatement()) {
      statement.execute(
          "COPY (SELECT i::BIGINT AS user_id, TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i) AS event_time, "
              + clicksExpression + " AS clicks, CASE WHEN i % 5 = 0 THEN NULL ELSE (i / 1000)::FLOAT END AS ctr, "
              + (withCountry ? "'c' || (i % 7) AS country, " : "")
              + "[i::FLOAT, i + 0.1, i + 0.2, i + 0.3]::FLOAT[4] AS embedding FROM range(" + rows + ") t(i)) TO '" + file
              + "' (FORMAT parquet, ROW_GROUP_SIZE " + rowGroupRows + ")");
    }
    return file;
  }

  /** Puts a DuckDB-written shard into the bucket under the version's data prefix, as Spark would. */
  String putExternalShard(Path file) throws Exception {
    String key = "feature-sets/" + name + "/v1/data/spark-job-" + UUID.randomUUID() + "/part-00000.parquet";
    store.put(io.featurestore.api.storage.ObjectKey.of(key), Files.readAllBytes(file));
    return key;
  }

  static String registration(String key, long bytes) {
    return "{\"shards\": [{\"key\": \"" + key + "\", \"bytes\": " + bytes + "}]}";
  }
}
