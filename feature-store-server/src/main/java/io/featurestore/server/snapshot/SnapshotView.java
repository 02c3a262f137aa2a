package io.featurestore.server.snapshot;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.featurestore.server.catalog.SnapshotRecord;

/**
 * A snapshot as the API shows it.
 *
 * @param snapshot the catalog record
 * @param manifestUri where other engines find the manifest, e.g. {@code s3://bucket/prefix/feature-sets/...json}
 */
public record SnapshotView(@JsonUnwrapped SnapshotRecord snapshot, String manifestUri) {}
