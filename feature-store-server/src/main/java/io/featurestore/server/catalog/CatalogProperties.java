package io.featurestore.server.catalog;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Catalog settings ({@code feature-store.catalog.*}).
 *
 * @param minTargetShardSize smallest target shard size a feature set may ask for; keep the default
 *     of 100MB in production (large shards keep S3 request counts and per-file overhead low), lower
 *     it only for tests and development
 */
@ConfigurationProperties("feature-store.catalog")
public record CatalogProperties(@DefaultValue("100MB") DataSize minTargetShardSize) {}
