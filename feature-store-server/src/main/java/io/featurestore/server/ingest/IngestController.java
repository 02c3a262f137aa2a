package io.featurestore.server.ingest;

import io.featurestore.api.manifest.Operation;
import io.featurestore.server.snapshot.SnapshotResponses;
import io.featurestore.server.snapshot.SnapshotView;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Uploads: the request body (Arrow IPC stream, Parquet, CSV or NDJSON, by Content-Type) becomes one
 * snapshot. 201 with the snapshot; 200 with header {@code Idempotent-Replayed: true} when the
 * {@code Idempotency-Key} was already used.
 */
@RestController
class IngestController {
  private final IngestService ingest;

  IngestController(IngestService ingest) {
    this.ingest = ingest;
  }

  @PostMapping("/api/v1/feature-sets/{name}/versions/{version}/snapshots")
  ResponseEntity<SnapshotView> upload(
      @PathVariable String name,
      @PathVariable String version,
      @RequestParam(defaultValue = "append") String mode,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      HttpServletRequest request)
      throws IOException {
    return SnapshotResponses.of(
        ingest.ingest(
            name, version, Operation.fromMode(mode), request.getContentType(), request.getInputStream(), idempotencyKey));
  }

}
