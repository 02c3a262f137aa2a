package io.featurestore.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.server.TestApi;
import io.featurestore.server.TestApi.Response;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A bucket that cannot be reached: uploads fail with 503 and commit nothing; the catalog still works. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "feature-store.bucket.type=s3",
      "feature-store.bucket.s3.bucket=unreachable",
      "feature-store.bucket.s3.endpoint=http://127.0.0.1:1",
      "feature-store.bucket.s3.access-key=a",
      "feature-store.bucket.s3.secret-key=b",
      "feature-store.bucket.s3.max-retries=0",
      "feature-store.bucket.s3.request-timeout=2s"
    })
class UnreachableBucketTest {
  @LocalServerPort int port;

  @Test
  void uploadIsServiceUnavailableAndCommitsNothing() {
    TestApi api = new TestApi(port);
    Response created =
        api.post("/api/v1/feature-sets", """
            {"name": "offline", "owner": "tests", "schema": %s, "storage": {"targetShardBytes": 1048576}}
            """.formatted(AbstractIngestTest.SCHEMA));
    assertThat(created.status()).isEqualTo(201);

    byte[] body = ArrowUploads.rows(new LocalIngestTest().schema(), 0, 1000, 1000);
    Response upload =
        api.upload("/api/v1/feature-sets/offline/versions/1/snapshots", AbstractIngestTest.ARROW, () -> new ByteArrayInputStream(body));
    assertThat(upload.status()).as(upload.raw().body()).isEqualTo(503);
    assertThat(upload.header("Retry-After")).isNotNull();
    assertThat(upload.body().get("detail").asString()).contains("127.0.0.1:1");
    assertThat(api.get("/api/v1/feature-sets/offline/versions/1/snapshots").body().get("items")).isEmpty();
  }
}
