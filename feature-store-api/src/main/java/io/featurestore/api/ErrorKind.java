package io.featurestore.api;

/**
 * How a failure should be treated by a caller. Each transport maps a kind to its own status once
 * (REST: 400/404/409/503/500; gRPC later: INVALID_ARGUMENT/NOT_FOUND/ALREADY_EXISTS/UNAVAILABLE/INTERNAL).
 */
public enum ErrorKind {
  /** The request is wrong; retrying it unchanged fails again. */
  INVALID_ARGUMENT,
  /** A named feature set, version, snapshot or object does not exist. */
  NOT_FOUND,
  /** The request clashes with the current state (a name already taken, a concurrent change). */
  CONFLICT,
  /** A dependency (the bucket, the catalog database) cannot be reached; retrying later may work. */
  UNAVAILABLE,
  /** A bug or an unexpected state on our side. */
  INTERNAL
}
