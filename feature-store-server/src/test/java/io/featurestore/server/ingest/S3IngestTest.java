package io.featurestore.server.ingest;

import io.featurestore.server.TestPostgres;
import io.featurestore.server.TestS3;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Ingest into an S3 protocol server with the catalog on PostgreSQL: the production setup. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class S3IngestTest extends AbstractIngestTest {
  @DynamicPropertySource
  static void production(DynamicPropertyRegistry registry) {
    TestS3.register(registry);
    TestPostgres.register(registry);
  }
}
