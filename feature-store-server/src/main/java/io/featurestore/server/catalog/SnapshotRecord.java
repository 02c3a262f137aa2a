package io.featurestore.server.catalog;

import io.featurestore.api.manifest.Operation;
import java.time.Instant;

/**
 * A committed snapshot as the catalog records it; its full description is the manifest object.
 *
 * @param snapshotId unique id
 * @param featureSet feature-set name
 * @param version feature-set version
 * @param sequenceNumber position in the version's history, from 1
 * @param parentSnapshotId the snapshot it was based on, or null for the first
 * @param operation append or overwrite
 * @param manifestKey object key of the manifest, relative to the bucket root
 * @param rowCount rows visible in this snapshot
 * @param byteCount bytes of all shards visible in this snapshot
 * @param shardCount shards visible in this snapshot
 * @param addedRows rows written by this snapshot
 * @param addedBytes bytes written by this snapshot
 * @param idempotencyKey the client's key for retries, or null
 * @param committedAt commit time
 */
public record SnapshotRecord(
    String snapshotId,
    String featureSet,
    int version,
    long sequenceNumber,
    String parentSnapshotId,
    Operation operation,
    String manifestKey,
    long rowCount,
    long byteCount,
    int shardCount,
    long addedRows,
    long addedBytes,
    String idempotencyKey,
    Instant committedAt) {}
