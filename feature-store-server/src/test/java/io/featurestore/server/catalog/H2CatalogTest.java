package io.featurestore.server.catalog;

import org.springframework.boot.test.context.SpringBootTest;

/** The catalog on the embedded default database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class H2CatalogTest extends AbstractCatalogTest {}
