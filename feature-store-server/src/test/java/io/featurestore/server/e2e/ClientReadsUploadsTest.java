package io.featurestore.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.client.FeatureStoreClient;
import io.featurestore.client.read.ReadOptions;
import io.featurestore.client.read.SnapshotStream;
import io.featurestore.server.TestApi;
import io.featurestore.server.ingest.IngestTestFixtures;
import io.featurestore.server.storage.BucketProperties;
import io.featurestore.storage.local.LocalObjectStore;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The whole path: a data engineer uploads over REST, a training job reads with the client SDK. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ClientReadsUploadsTest {
  @LocalServerPort int port;
  @Autowired BucketProperties bucket;

  @Test
  void trainingJobReadsWhatWasUploaded() throws Exception {
    TestApi api = new TestApi(port);
    IngestTestFixtures.createFeatureSet(api, "e2e");
    TestApi.Response first = IngestTestFixtures.uploadArrow(api, "e2e", 0, 120_000);
    assertThat(first.status()).isEqualTo(201);
    // As of the first commit's own time: the second commit is later, whatever the clock resolution.
    Instant afterFirst = Instant.parse(first.body().get("committedAt").asString());
    assertThat(IngestTestFixtures.uploadArrow(api, "e2e", 120_000, 30_000).status()).isEqualTo(201);

    ObjectStore store = new LocalObjectStore(bucket.local().root());
    try (FeatureStoreClient client =
        FeatureStoreClient.builder().serverUrl(URI.create("http://127.0.0.1:" + port)).bucket(store).parallelism(2).build()) {
      assertThat(client.featureSets("tests", null)).extracting(n -> n.get("name").asString()).contains("e2e");
      assertThat(client.snapshots("e2e", "1")).hasSize(2);
      SnapshotManifest latest = client.manifest("e2e", "latest", "latest");
      assertThat(latest.rowCount()).isEqualTo(150_000);
      assertThat(client.manifestAsOf("e2e", "1", afterFirst).rowCount()).isEqualTo(120_000);

      Set<Long> seen = new HashSet<>();
      for (int rank = 0; rank < 2; rank++) {
        try (SnapshotStream stream =
            client.read(latest, ReadOptions.shuffled(1).withWorker(rank, 2).withColumns(java.util.List.of("user_id")), null)) {
          while (stream.next()) {
            BigIntVector ids = (BigIntVector) stream.batch().getVector(0);
            for (int i = 0; i < stream.batch().getRowCount(); i++) {
              assertThat(seen.add(ids.get(i))).isTrue();
            }
          }
        }
      }
      assertThat(seen).hasSize(150_000);

      String firstId = first.body().get("snapshotId").asString();
      try (SnapshotStream byId = client.read("e2e", "1", firstId, ReadOptions.ordered());
          SnapshotStream asOf = client.readAsOf("e2e", "1", afterFirst, ReadOptions.ordered())) {
        assertThat(rows(byId)).isEqualTo(120_000);
        assertThat(rows(asOf)).isEqualTo(120_000);
      }
      try (SnapshotStream newest = client.read("e2e", "1", ReadOptions.ordered().withColumns(java.util.List.of("user_id")))) {
        assertThat(rows(newest)).isEqualTo(150_000);
      }

      assertThatThrownBy(() -> client.manifest("missing", "1", "latest"))
          .isInstanceOfSatisfying(FeatureStoreException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            assertThat(e.code()).isEqualTo("feature-set-not-found");
          });
    }
  }

  @Test
  void tensorflowJobReadsTheTfRecordShardsOfTheSameUpload() throws Exception {
    TestApi api = new TestApi(port);
    IngestTestFixtures.createFeatureSet(
        api, "e2e-tf", "{\"targetShardBytes\": 1048576, \"formats\": [\"PARQUET\", \"TFRECORD\"], \"tfrecordCompression\": \"GZIP\"}");
    assertThat(IngestTestFixtures.uploadArrow(api, "e2e-tf", 0, 60_000).status()).isEqualTo(201);
    assertThat(IngestTestFixtures.uploadArrow(api, "e2e-tf", 60_000, 20_000).status()).isEqualTo(201);

    try (FeatureStoreClient client =
        FeatureStoreClient.builder().serverUrl(URI.create("http://127.0.0.1:" + port)).bucket(new LocalObjectStore(bucket.local().root()))
            .parallelism(2).build()) {
      SnapshotManifest latest = client.manifest("e2e-tf", "1", "latest");
      assertThat(latest.rowCount()).isEqualTo(80_000);
      assertThat(latest.formats()).containsExactlyInAnyOrder(ShardFormat.PARQUET, ShardFormat.TFRECORD);
      assertThat(latest.shards(ShardFormat.TFRECORD)).allSatisfy(shard -> {
        assertThat(shard.key().path()).endsWith(".tfrecord.gz");
        assertThat(shard.compression()).isEqualTo(Compression.GZIP);
      });

      List<Long> ids = new ArrayList<>();
      try (SnapshotStream stream = client.read(latest, ReadOptions.ordered().withFormat(ShardFormat.TFRECORD), null)) {
        while (stream.next()) {
          for (int i = 0; i < stream.batch().getRowCount(); i++) {
            ids.add((Long) stream.row(i).get("user_id"));
          }
        }
      }
      assertThat(ids).isEqualTo(LongStream.range(0, 80_000).boxed().toList());
    }
  }

  private static long rows(SnapshotStream stream) {
    long rows = 0;
    while (stream.next()) {
      rows += stream.batch().getRowCount();
    }
    return rows;
  }
}
