package io.featurestore.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.api.manifest.ManifestCodec;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.server.TestApi;
import io.featurestore.server.TestApi.Response;
import java.io.ByteArrayInputStream;

/** The ingest tests' feature set and uploads, for tests in other packages too. */
public final class IngestTestFixtures {
  private IngestTestFixtures() {}

  /** Creates a feature set of {@link IngestTestSupport#SCHEMA} with 1 MiB shards, owned by "tests". */
  public static void createFeatureSet(TestApi api, String name) {
    createFeatureSet(api, name, "{\"targetShardBytes\": 1048576}");
  }

  /** Creates a feature set of {@link IngestTestSupport#SCHEMA} with the given storage options (JSON), owned by "tests". */
  public static void createFeatureSet(TestApi api, String name, String storage) {
    Response created =
        api.post("/api/v1/feature-sets", """
            {"name": "%s", "owner": "tests", "schema": %s, "storage": %s}
            """.formatted(name, IngestTestSupport.SCHEMA, storage));
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
  }

  /** Uploads rows {@code first .. first+count-1} as an Arrow IPC stream to version 1. */
  public static Response uploadArrow(TestApi api, String name, long first, int count, String... headers) {
    byte[] body = ArrowUploads.rows(schema(), first, count, 1000);
    return api.upload(
        "/api/v1/feature-sets/" + name + "/versions/1/snapshots", IngestTestSupport.ARROW, () -> new ByteArrayInputStream(body),
        headers);
  }

  static FeatureSetSchema schema() {
    return ManifestCodec.schemaFromJson(TestApi.parse(IngestTestSupport.SCHEMA).toString());
  }
}
