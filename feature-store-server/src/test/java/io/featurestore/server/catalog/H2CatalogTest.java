package io.featurestore.server.catalog;

import org.springframework.boot.test.context.SpringBootTest;

/** The catalog on the embedded default database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class H2CatalogTest extends AbstractCatalogTest {
  /** H2 retries a statement that meets an uncommitted row without naming a blocker: it is still executing. */
  @Override
  String lockWaitsQuery() {
    return "select count(*) from information_schema.sessions where session_id <> session_id()"
        + " and executing_statement is not null";
  }
}
