package io.featurestore.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.server.TestApi;
import io.featurestore.server.TestApi.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CatalogApiTest {
  static final String SCHEMA =
      """
      {"entityKeys": [{"name": "user_id", "type": "int64", "nullable": false}],
       "eventTimestamp": "event_time",
       "features": [{"name": "clicks", "type": "int64", "nullable": false},
                    {"name": "embedding", "type": "float32[4]", "nullable": true}]}
      """;

  @LocalServerPort int port;
  TestApi api;

  @BeforeEach
  void setUp() {
    api = new TestApi(port);
  }

  static String featureSet(String name, String owner, String... tags) {
    return """
        {"name": "%s", "description": "clicks per user", "owner": "%s", "tags": [%s], "schema": %s,
         "storage": {"targetShardBytes": 1048576, "compression": "snappy"}}
        """
        .formatted(name, owner, String.join(",", List.of(tags).stream().map(t -> '"' + t + '"').toList()), SCHEMA);
  }

  @Test
  void createsAndGetsFeatureSet() {
    Response created = api.post("/api/v1/feature-sets", featureSet("clicks", "ads", "prod", "team:ads"));
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/v1/feature-sets/clicks");
    JsonNode body = created.body();
    assertThat(body.get("name").asString()).isEqualTo("clicks");
    assertThat(body.get("latestVersion").asInt()).isEqualTo(1);
    assertThat(body.get("tags").toString()).isEqualTo("[\"prod\",\"team:ads\"]");
    assertThat(body.get("storage").get("compression").asString()).isEqualTo("SNAPPY");
    assertThat(body.get("storage").get("formats").toString()).isEqualTo("[\"PARQUET\"]");

    Response fetched = api.get("/api/v1/feature-sets/clicks");
    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.body()).isEqualTo(body);

    JsonNode version = api.get("/api/v1/feature-sets/clicks/versions/latest").body();
    assertThat(version.get("version").asInt()).isEqualTo(1);
    assertThat(version.get("schema").get("features").get(1).get("type").asString()).isEqualTo("float32[4]");
  }

  @Test
  void nameTakenIsConflict() {
    assertThat(api.post("/api/v1/feature-sets", featureSet("taken", "ads")).status()).isEqualTo(201);
    Response again = api.post("/api/v1/feature-sets", featureSet("taken", "other"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(again.body().get("code").asString()).isEqualTo("feature-set-exists");
    assertThat(again.body().get("detail").asString()).contains("'taken'");
  }

  @Test
  void unknownFeatureSetIsNotFound() {
    Response response = api.get("/api/v1/feature-sets/nope");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.body().get("code").asString()).isEqualTo("feature-set-not-found");
    assertThat(api.get("/api/v1/feature-sets/nope/versions/1").body().get("code").asString())
        .isEqualTo("feature-set-not-found");
    assertThat(api.delete("/api/v1/feature-sets/nope").status()).isEqualTo(404);
  }

  @Test
  void rejectsBadInputNamingTheProblem() {
    assertBadRequest(api.post("/api/v1/feature-sets", featureSet("Bad..Name", "ads")), "invalid-name", "Bad..Name");
    assertBadRequest(api.post("/api/v1/feature-sets", featureSet("x", " ")), "invalid-owner", "owner");
    assertBadRequest(api.post("/api/v1/feature-sets", featureSet("x", "ads", "has space")), "invalid-tag", "has space");
    assertBadRequest(
        api.post("/api/v1/feature-sets", featureSet("x", "ads").replace("\"float32[4]\"", "\"float32[0]\"")),
        "invalid-type", "schema.features[1].type");
    assertBadRequest(
        api.post("/api/v1/feature-sets", featureSet("x", "ads").replace("\"int64\", \"nullable\": false}]", "\"float64\", \"nullable\": false}]")),
        "invalid-schema", "user_id");
    assertBadRequest(
        api.post("/api/v1/feature-sets", featureSet("x", "ads").replace("1048576", "1000")),
        "invalid-storage", "1000");
    assertBadRequest(
        api.post("/api/v1/feature-sets", featureSet("x", "ads").replace("1048576", "107374182400")),
        "invalid-storage", "10,000 parts");
    assertBadRequest(
        api.post("/api/v1/feature-sets", featureSet("x", "ads").replace("snappy", "lz4")),
        "invalid-request-body", "lz4");
    assertBadRequest(api.post("/api/v1/feature-sets", "{not json"), "invalid-request-body", "");
    assertBadRequest(api.get("/api/v1/feature-sets/clicks/versions/zero"), "invalid-version", "zero");
    assertThat(api.get("/api/v1/feature-sets/x").status()).isEqualTo(404);
  }

  @Test
  void nullFormatIsRefusedNamingTheField() {
    String nullFormat = "\"formats\": [null]";
    assertBadRequest(
        api.post("/api/v1/feature-sets", featureSet("nf", "ads").replace("\"compression\": \"snappy\"", nullFormat)),
        "invalid-request-body", "storage.formats[0]");
    api.post("/api/v1/feature-sets", featureSet("nf", "ads"));
    assertBadRequest(api.patch("/api/v1/feature-sets/nf", "{\"storage\": {" + nullFormat + "}}"), "invalid-request-body", "storage.formats[0]");
  }

  @Test
  void unknownFieldsAreRefusedNamingThem() {
    assertBadRequest(
        api.post("/api/v1/feature-sets", featureSet("typo", "ads").replace("\"compression\": \"snappy\"", "\"format\": [\"TFRECORD\"]")),
        "invalid-request-body", "unknown field storage.format");
    assertThat(api.get("/api/v1/feature-sets/typo").status()).isEqualTo(404);
    api.post("/api/v1/feature-sets", featureSet("typo", "ads", "a"));
    Response patched = api.patch("/api/v1/feature-sets/typo", "{\"tag\": [\"x\"]}");
    assertBadRequest(patched, "invalid-request-body", "unknown field tag");
    assertThat(patched.body().get("detail").asString()).contains("tags");
  }

  @Test
  void controlCharactersAreRefusedOnEveryDatabase() {
    String described = featureSet("ctl", "ads");
    assertBadRequest(
        api.post("/api/v1/feature-sets", described.replace("clicks per user", "clicks\\u0000per user")),
        "invalid-description", "U+0000 at index 6");
    assertBadRequest(api.post("/api/v1/feature-sets", featureSet("ctl", "ads\\u001b")), "invalid-owner", "U+001B");
    assertBadRequest(api.post("/api/v1/feature-sets", featureSet("ctl", "ads", "a\\u0000")), "invalid-tag", "tag");
    assertThat(api.post("/api/v1/feature-sets", described.replace("clicks per user", "clicks\\tper\\nuser")).status())
        .as("tab and line feed are text").isEqualTo(201);

    assertBadRequest(api.patch("/api/v1/feature-sets/ctl", "{\"owner\": \"\\u0000\"}"), "invalid-owner", "U+0000");
    assertBadRequest(
        api.post("/api/v1/feature-sets/ctl/versions", "{\"schema\": " + SCHEMA.replace("[4]", "[8]") + ", \"description\": \"\\u0000\"}"),
        "invalid-description", "U+0000");
    assertBadRequest(api.get("/api/v1/feature-sets?owner=%00"), "invalid-owner", "U+0000");
    assertBadRequest(api.get("/api/v1/feature-sets?tag=%00"), "invalid-tag", "tag");
    assertBadRequest(api.get("/api/v1/feature-sets?pageToken=ctl%00"), "invalid-page-token", "U+0000 at index 3");
    assertThat(api.get("/api/v1/feature-sets/ctl").body().get("description").asString()).isEqualTo("clicks\tper\nuser");
  }

  @Test
  void schemaTooLargeForTheCatalogIsRefusedNamingTheLimit() {
    // 6,000 columns of long names: about 1.1 million characters of JSON, beyond the catalog's column.
    StringBuilder features = new StringBuilder();
    for (int i = 0; i < 6000; i++) {
      features.append(i == 0 ? "" : ",").append("{\"name\": \"f%0127d\", \"type\": \"float64[65536]\", \"nullable\": true}".formatted(i));
    }
    String schema = SCHEMA.replaceFirst("\"features\": \\[", "\"features\": [" + features + ",");
    String tooLarge = "schema has 6004 columns; at most " + CatalogService.MAX_COLUMNS;
    assertBadRequest(api.post("/api/v1/feature-sets", featureSet("wide", "ads").replace(SCHEMA, schema)), "invalid-schema", tooLarge);
    api.post("/api/v1/feature-sets", featureSet("wide", "ads"));
    assertBadRequest(api.post("/api/v1/feature-sets/wide/versions", "{\"schema\": " + schema + "}"), "invalid-schema", tooLarge);
  }

  @Test
  void tfrecordTypeProblemsAreRefusedBeforeAnyWrite() {
    String tfrecord = featureSet("tf", "ads").replace("\"compression\": \"snappy\"", "\"formats\": [\"PARQUET\", \"TFRECORD\"]");
    assertBadRequest(api.post("/api/v1/feature-sets", float64Clicks(tfrecord)), "tfrecord-unsupported-type", "clicks");
    assertBadRequest(
        api.post("/api/v1/feature-sets", tfrecord.replace("\"TFRECORD\"]", "\"TFRECORD\"], \"tfrecordCompression\": \"ZSTD\"")),
        "invalid-storage", "ZSTD");

    // Parquet holds float64; switching such a feature set to TFRecord is refused.
    assertThat(api.post("/api/v1/feature-sets", float64Clicks(featureSet("pq64", "ads"))).status()).isEqualTo(201);
    assertBadRequest(
        api.patch("/api/v1/feature-sets/pq64", "{\"storage\": {\"formats\": [\"TFRECORD\"]}}"), "tfrecord-unsupported-type", "clicks");

    // So is a new version with float64 in a feature set that writes TFRecord.
    assertThat(api.post("/api/v1/feature-sets", tfrecord).status()).isEqualTo(201);
    assertBadRequest(
        api.post("/api/v1/feature-sets/tf/versions", "{\"schema\": " + float64Clicks(SCHEMA) + "}"), "tfrecord-unsupported-type", "clicks");
  }

  @Test
  void addingTfrecordChecksEveryVersionNotOnlyTheLatest() {
    assertThat(api.post("/api/v1/feature-sets", float64Clicks(featureSet("older64", "ads"))).status()).isEqualTo(201);
    assertThat(api.post("/api/v1/feature-sets/older64/versions", "{\"schema\": " + SCHEMA + "}").status()).isEqualTo(201);
    assertBadRequest(
        api.patch("/api/v1/feature-sets/older64", "{\"storage\": {\"formats\": [\"PARQUET\", \"TFRECORD\"]}}"),
        "tfrecord-unsupported-type", "version 1");
    assertThat(api.get("/api/v1/feature-sets/older64").body().get("storage").get("formats").toString()).isEqualTo("[\"PARQUET\"]");
  }

  private static String float64Clicks(String json) {
    return json.replace("\"name\": \"clicks\", \"type\": \"int64\"", "\"name\": \"clicks\", \"type\": \"float64\"");
  }

  private static void assertBadRequest(Response response, String code, String mentioned) {
    assertThat(response.status()).as(response.raw().body()).isEqualTo(400);
    assertThat(response.body().get("code").asString()).as(response.raw().body()).isEqualTo(code);
    assertThat(response.body().get("detail").asString()).contains(mentioned);
  }

  @Test
  void listsPagesFilteredByOwnerAndTag() {
    for (int i = 0; i < 5; i++) {
      api.post("/api/v1/feature-sets", featureSet("list-" + i, i % 2 == 0 ? "even" : "odd", i < 2 ? "small" : "big"));
    }
    List<String> names = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      JsonNode page = api.get("/api/v1/feature-sets?owner=even&pageSize=2" + (token == null ? "" : "&pageToken=" + token)).body();
      page.get("items").forEach(item -> names.add(item.get("name").asString()));
      token = page.get("nextPageToken").isNull() ? null : page.get("nextPageToken").asString();
      pages++;
    } while (token != null);
    assertThat(names).containsExactly("list-0", "list-2", "list-4");
    assertThat(pages).isEqualTo(2);

    JsonNode small = api.get("/api/v1/feature-sets?tag=small").body().get("items");
    assertThat(small).extracting(n -> n.get("name").asString()).containsExactly("list-0", "list-1");
    assertThat(api.get("/api/v1/feature-sets?pageSize=0").status()).isEqualTo(400);
  }

  @Test
  void updatesMetadataButNotSchema() {
    api.post("/api/v1/feature-sets", featureSet("patched", "ads", "a"));
    Response patched =
        api.patch("/api/v1/feature-sets/patched", "{\"owner\": \"growth\", \"tags\": [\"b\"], \"storage\": {\"partitioning\": \"event_date\"}}");
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.body().get("owner").asString()).isEqualTo("growth");
    assertThat(patched.body().get("description").asString()).isEqualTo("clicks per user");
    assertThat(patched.body().get("tags").toString()).isEqualTo("[\"b\"]");
    assertThat(patched.body().get("storage").get("partitioning").asString()).isEqualTo("EVENT_DATE");
    assertThat(patched.body().get("storage").get("compression").asString()).isEqualTo("SNAPPY");
    assertThat(api.get("/api/v1/feature-sets/patched").body()).isEqualTo(patched.body());
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void concurrentPatchesOfDifferentFieldsAllLand() {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    List<String> patches =
        List.of(
            "{\"description\": \"d2\"}", "{\"owner\": \"o2\"}", "{\"tags\": [\"t2\"]}",
            "{\"storage\": {\"partitioning\": \"event_date\"}}", "{\"storage\": {\"compression\": \"zstd\"}}",
            "{\"storage\": {\"targetShardBytes\": 2097152}}", "{\"storage\": {\"tfrecordCompression\": \"gzip\"}}",
            "{\"storage\": {\"formats\": [\"PARQUET\", \"TFRECORD\"]}}");
    for (int round = 0; round < 5; round++) {
      String name = "concurrent-" + round;
      api.post("/api/v1/feature-sets", featureSet(name, "ads", "a"));
      // All at once, from as many threads as patches (a parallel stream runs two at a time on two cores).
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<Response>> running = patches.stream()
          .map(patch -> CompletableFuture.supplyAsync(() -> {
            awaitUninterruptibly(start);
            return api.patch("/api/v1/feature-sets/" + name, patch);
          }, threads))
          .toList();
      start.countDown();
      List<Response> responses = running.stream().map(CompletableFuture::join).toList();
      assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.raw().body()).isEqualTo(200));
      JsonNode result = api.get("/api/v1/feature-sets/" + name).body();
      assertThat(result.get("description").asString()).isEqualTo("d2");
      assertThat(result.get("owner").asString()).isEqualTo("o2");
      assertThat(result.get("tags").toString()).isEqualTo("[\"t2\"]");
      JsonNode storage = result.get("storage");
      assertThat(storage.get("partitioning").asString()).isEqualTo("EVENT_DATE");
      assertThat(storage.get("compression").asString()).isEqualTo("ZSTD");
      assertThat(storage.get("targetShardBytes").asLong()).isEqualTo(2097152);
      assertThat(storage.get("tfrecordCompression").asString()).isEqualTo("GZIP");
      assertThat(storage.get("formats")).hasSize(2);
    }
    threads.shutdown();
  }

  @Test
  void schemaChangeMakesNewVersionAndNumbersAreNeverReused() {
    api.post("/api/v1/feature-sets", featureSet("versioned", "ads"));
    String v2Schema = SCHEMA.replace("float32[4]", "float32[8]");
    assertThat(api.post("/api/v1/feature-sets/versioned/versions", "{\"schema\": " + SCHEMA + "}").status())
        .isEqualTo(409);
    Response v2 = api.post("/api/v1/feature-sets/versioned/versions", "{\"schema\": " + v2Schema + ", \"description\": \"bigger\"}");
    assertThat(v2.status()).isEqualTo(201);
    assertThat(v2.body().get("version").asInt()).isEqualTo(2);
    assertThat(api.get("/api/v1/feature-sets/versioned/versions/1").body().get("schema").toString()).contains("float32[4]");

    assertThat(api.delete("/api/v1/feature-sets/versioned/versions/2").status()).isEqualTo(204);
    assertThat(api.get("/api/v1/feature-sets/versioned/versions/2").status()).isEqualTo(404);
    assertThat(api.get("/api/v1/feature-sets/versioned").body().get("latestVersion").asInt()).isEqualTo(1);
    Response v3 = api.post("/api/v1/feature-sets/versioned/versions", "{\"schema\": " + v2Schema + "}");
    assertThat(v3.body().get("version").asInt()).isEqualTo(3);
    assertThat(api.get("/api/v1/feature-sets/versioned/versions").body())
        .extracting(n -> n.get("version").asInt())
        .containsExactly(1, 3);

    assertThat(api.delete("/api/v1/feature-sets/versioned").status()).isEqualTo(204);
    assertThat(api.get("/api/v1/feature-sets/versioned").status()).isEqualTo(404);
  }

  @Test
  void deletesVersionsOnlyByNumberSoThatRetriesDeleteNothingElse() {
    api.post("/api/v1/feature-sets", featureSet("deleted", "ads"));
    api.post("/api/v1/feature-sets/deleted/versions", "{\"schema\": " + SCHEMA.replace("float32[4]", "float32[8]") + "}");
    assertBadRequest(api.delete("/api/v1/feature-sets/deleted/versions/latest"), "invalid-version", "by its number");
    assertThat(api.get("/api/v1/feature-sets/deleted/versions").body()).hasSize(2);

    assertThat(api.delete("/api/v1/feature-sets/deleted/versions/2").status()).isEqualTo(204);
    Response retried = api.delete("/api/v1/feature-sets/deleted/versions/2");
    assertThat(retried.status()).isEqualTo(404);
    assertThat(retried.body().get("code").asString()).isEqualTo("version-not-found");
    assertThat(api.get("/api/v1/feature-sets/deleted/versions").body()).extracting(n -> n.get("version").asInt()).containsExactly(1);
    assertThat(api.delete("/api/v1/feature-sets/nope/versions/1").body().get("code").asString()).isEqualTo("feature-set-not-found");
  }

  @Test
  void servesOpenApiDescription() {
    Response docs = api.get("/v3/api-docs");
    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.body().get("paths").has("/api/v1/feature-sets/{name}")).isTrue();
    assertThat(api.get("/swagger-ui/index.html").raw().statusCode()).isEqualTo(200);
  }
}
