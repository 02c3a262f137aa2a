package io.featurestore.server.snapshot;

import io.featurestore.server.catalog.SnapshotRecord;
import io.featurestore.server.snapshot.SnapshotService.CommitOutcome;
import java.net.URI;
import org.springframework.http.ResponseEntity;

/** How REST answers a commit, shared by uploads and shard registration; the services know no HTTP. */
public final class SnapshotResponses {
  private SnapshotResponses() {}

  /**
   * 201 with the snapshot and its location, or 200 with header {@code Idempotent-Replayed: true}
   * when an earlier commit with the same idempotency key is returned.
   */
  public static ResponseEntity<SnapshotView> of(CommitOutcome outcome) {
    SnapshotView view = outcome.snapshot();
    if (!outcome.created()) {
      return ResponseEntity.ok().header("Idempotent-Replayed", "true").body(view);
    }
    SnapshotRecord s = view.snapshot();
    return ResponseEntity.created(
            URI.create("/api/v1/feature-sets/" + s.featureSet() + "/versions/" + s.version() + "/snapshots/" + s.snapshotId()))
        .body(view);
  }
}
