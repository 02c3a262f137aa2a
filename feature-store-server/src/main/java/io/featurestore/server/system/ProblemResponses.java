package io.featurestore.server.system;

import io.featurestore.api.FeatureStoreException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * The one place where errors become HTTP responses: {@code application/problem+json} bodies with
 * the error's stable {@code code}. Kinds map to statuses: invalid 400, not found 404, conflict 409,
 * unavailable 503, internal 500.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

  @ExceptionHandler(FeatureStoreException.class)
  ResponseEntity<ProblemDetail> featureStore(FeatureStoreException e) {
    return problem(e);
  }

  static ResponseEntity<ProblemDetail> problem(FeatureStoreException e) {
    HttpStatus status =
        switch (e.kind()) {
          case INVALID_ARGUMENT -> HttpStatus.BAD_REQUEST;
          case NOT_FOUND -> HttpStatus.NOT_FOUND;
          case CONFLICT -> HttpStatus.CONFLICT;
          case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
          case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    if (status.is5xxServerError()) {
      log.warn("{}: {}", e.code(), e.getMessage(), e);
    }
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, e.getMessage());
    body.setType(URI.create("urn:feature-store:problem:" + e.code()));
    body.setTitle(e.code());
    body.setProperty("code", e.code());
    ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
    if (status == HttpStatus.SERVICE_UNAVAILABLE) {
      response.header(HttpHeaders.RETRY_AFTER, "5");
    }
    return response.body(body);
  }

  /** Unreadable JSON: say what was wrong, including validation failures of our value types. */
  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    JacksonException json = e.getCause() instanceof JacksonException j ? j : null;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof FeatureStoreException fse) {
        ProblemDetail body = problem(fse).getBody();
        if (json != null) {
          body.setDetail("invalid value" + field(json) + ": " + fse.getMessage());
        }
        return ResponseEntity.badRequest().body(body);
      }
    }
    String detail =
        json != null
            ? "request body is not valid" + field(json) + ": " + json.getOriginalMessage()
            : "request body is missing or unreadable";
    ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    body.setTitle("invalid-request-body");
    body.setProperty("code", "invalid-request-body");
    return ResponseEntity.badRequest().body(body);
  }

  /** The JSON path of the failure, like {@code " at storage.compression"}, or "". */
  private static String field(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? "" : " at " + path;
  }
}
