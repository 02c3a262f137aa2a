package io.featurestore.server.ingest;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.Operation;
import io.featurestore.server.snapshot.SnapshotService.CommitOutcome;
import io.featurestore.server.snapshot.SnapshotView;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
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
    CommitOutcome outcome =
        ingest.ingest(name, version, operation(mode), request.getContentType(), request.getInputStream(), idempotencyKey);
    SnapshotView snapshot = outcome.snapshot();
    if (!outcome.created()) {
      return ResponseEntity.ok().header("Idempotent-Replayed", "true").body(snapshot);
    }
    URI location =
        URI.create("/api/v1/feature-sets/" + name + "/versions/" + snapshot.snapshot().version() + "/snapshots/"
            + snapshot.snapshot().snapshotId());
    return ResponseEntity.created(location).body(snapshot);
  }

  static Operation operation(String mode) {
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "append" -> Operation.APPEND;
      case "overwrite" -> Operation.OVERWRITE;
      default -> throw FeatureStoreException.invalid("invalid-mode", "mode must be append or overwrite, got '" + mode + "'");
    };
  }
}
