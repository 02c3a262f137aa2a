package io.featurestore.server.catalog;

import io.featurestore.server.TestPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The catalog on a real PostgreSQL server, started by the test. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class PostgresCatalogTest extends AbstractCatalogTest {
  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestPostgres.register(registry);
  }

  @Override
  String lockWaitsQuery() {
    return "select count(*) from pg_stat_activity where wait_event_type = 'Lock'";
  }
}
