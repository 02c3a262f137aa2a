package io.featurestore.server.catalog;

import io.featurestore.api.schema.FeatureSetSchema;
import java.time.Instant;

/**
 * One version of a feature set. Its schema never changes; a new schema makes a new version.
 *
 * @param featureSet feature-set name
 * @param version version number, from 1, never reused
 * @param description what changed in this version
 * @param schema the version's schema
 * @param createdAt creation time
 */
public record FeatureSetVersion(
    String featureSet, int version, String description, FeatureSetSchema schema, Instant createdAt) {}
