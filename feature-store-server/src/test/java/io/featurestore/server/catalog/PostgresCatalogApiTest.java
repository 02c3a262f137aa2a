package io.featurestore.server.catalog;

import io.featurestore.server.TestPostgres;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The catalog API on a real PostgreSQL server, which refuses some values H2 stores (U+0000, far timestamps). */
class PostgresCatalogApiTest extends CatalogApiTest {
  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestPostgres.register(registry);
  }
}
