package io.featurestore.server.ingest;

import org.springframework.boot.test.context.SpringBootTest;

/** Ingest into the embedded default: a local-directory bucket and an H2 catalog. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LocalIngestTest extends AbstractIngestTest {}
