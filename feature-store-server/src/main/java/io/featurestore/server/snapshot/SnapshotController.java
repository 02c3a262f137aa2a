package io.featurestore.server.snapshot;

import io.featurestore.server.catalog.Page;
import java.time.Instant;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** REST reads of snapshots and manifests. {@code version} is a number or {@code latest}. */
@RestController
@RequestMapping("/api/v1/feature-sets/{name}/versions/{version}/snapshots")
class SnapshotController {
  private final SnapshotService snapshots;
  private final ShardRegistration registration;

  SnapshotController(SnapshotService snapshots, ShardRegistration registration) {
    this.snapshots = snapshots;
    this.registration = registration;
  }

  /**
   * Commits Parquet shards written by another engine under
   * {@code feature-sets/{name}/v{version}/data/}, after checking each one.
   */
  @PostMapping("/register")
  ResponseEntity<SnapshotView> register(
      @PathVariable String name,
      @PathVariable String version,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      @RequestBody ShardRegistration.Request request) {
    return SnapshotResponses.of(registration.register(name, version, request, idempotencyKey));
  }

  @GetMapping
  Page<SnapshotView> list(
      @PathVariable String name,
      @PathVariable String version,
      @RequestParam(required = false) String pageToken,
      @RequestParam(defaultValue = "100") int pageSize) {
    return snapshots.list(name, version, pageToken, pageSize);
  }

  /** {@code snapshot} is an id or {@code latest}; {@code asOf} picks the latest committed at or before it. */
  @GetMapping("/{snapshot}")
  SnapshotView get(
      @PathVariable String name,
      @PathVariable String version,
      @PathVariable String snapshot,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant asOf) {
    return snapshots.get(name, version, snapshot, asOf);
  }

  /** The manifest exactly as stored in the bucket: every shard of the snapshot and the schema. */
  @GetMapping("/{snapshot}/manifest")
  ResponseEntity<byte[]> manifest(
      @PathVariable String name,
      @PathVariable String version,
      @PathVariable String snapshot,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant asOf) {
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .body(snapshots.manifest(name, version, snapshot, asOf));
  }
}
