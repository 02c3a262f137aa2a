package io.featurestore.api;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type of the feature store. It carries a stable machine-readable {@link #code()}
 * (for example {@code feature-set-not-found}) and a {@link #kind()} that transports map to a status.
 * Messages name the offending value and, where possible, what to do about it.
 */
public class FeatureStoreException extends RuntimeException {
  private final ErrorKind kind;
  private final String code;

  public FeatureStoreException(ErrorKind kind, String code, String message) {
    this(kind, code, message, null);
  }

  public FeatureStoreException(ErrorKind kind, String code, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.kind = requireNonNull(kind, "kind is null");
    this.code = requireNonNull(code, "code is null");
  }

  public static FeatureStoreException invalid(String code, String message) {
    return new FeatureStoreException(ErrorKind.INVALID_ARGUMENT, code, message);
  }

  public static FeatureStoreException notFound(String code, String message) {
    return new FeatureStoreException(ErrorKind.NOT_FOUND, code, message);
  }

  public static FeatureStoreException conflict(String code, String message) {
    return new FeatureStoreException(ErrorKind.CONFLICT, code, message);
  }

  public ErrorKind kind() {
    return kind;
  }

  public String code() {
    return code;
  }
}
