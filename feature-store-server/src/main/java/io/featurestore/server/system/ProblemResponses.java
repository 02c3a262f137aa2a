package io.featurestore.server.system;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import java.net.URI;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place where errors become HTTP responses: {@code application/problem+json} bodies with
 * the error's stable {@code code}. Kinds map to statuses: invalid 400, not found 404, conflict 409,
 * unavailable 503, internal 500. Spring MVC's own errors get a code too; a catalog database that
 * cannot answer is {@code catalog-unavailable} (503), anything unexpected {@code internal} (500,
 * details only in the log).
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

  @ExceptionHandler(FeatureStoreException.class)
  ResponseEntity<ProblemDetail> featureStore(FeatureStoreException e) {
    return problem(e);
  }

  @ExceptionHandler({
    TransientDataAccessException.class, DataAccessResourceFailureException.class,
    CannotCreateTransactionException.class // a transaction that cannot get a connection
  })
  ResponseEntity<ProblemDetail> catalogUnavailable(Exception e) {
    return problem(catalogUnavailableError(e));
  }

  private static FeatureStoreException catalogUnavailableError(Exception e) {
    return new FeatureStoreException(
        ErrorKind.UNAVAILABLE, "catalog-unavailable", "the catalog database is unavailable or busy; retry shortly", e);
  }

  /**
   * Anything else: a wrapped error of ours or of the database is answered as itself; a client that
   * went away, or a response already sent, gets nothing (nor an error in the log).
   */
  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, WebRequest request) {
    if (DisconnectedClientHelper.isClientDisconnectedException(e)
        || (request instanceof ServletWebRequest servlet && servlet.getResponse() != null
            && servlet.getResponse().isCommitted())) {
      return null;
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof FeatureStoreException f) {
        return problem(f);
      }
      if (cause instanceof TransientDataAccessException || cause instanceof DataAccessResourceFailureException
          || cause instanceof CannotCreateTransactionException) {
        return problem(catalogUnavailableError(e));
      }
    }
    return problem(
        new FeatureStoreException(ErrorKind.INTERNAL, "internal", "internal error; the server log has the details", e));
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
    if (status == HttpStatus.INTERNAL_SERVER_ERROR) {
      log.error("{}: {}", e.code(), e.getMessage(), e);
    } else if (status.is5xxServerError()) {
      log.warn("{}: {}", e.code(), e.getMessage(), e);
    }
    ProblemDetail body = withCode(ProblemDetail.forStatusAndDetail(status, e.getMessage()), e.code());
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
          body.setDetail("invalid value" + at(json) + ": " + fse.getMessage());
        }
        return ResponseEntity.badRequest().body(body);
      }
    }
    String detail =
        json instanceof UnrecognizedPropertyException unknown
            ? "request body has the unknown field " + path(unknown) + "; known fields there: " + known(unknown)
            : json != null
                ? "request body is not valid" + at(json) + ": " + json.getOriginalMessage()
                : "request body is missing or unreadable";
    return ResponseEntity.badRequest()
        .body(withCode(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail), "invalid-request-body"));
  }

  /**
   * Spring MVC's own errors, already problems naming the parameter and value: a code as for ours,
   * {@code invalid-parameter} for a value that does not convert, else from the status ({@code not-found}).
   */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ResponseEntity<Object> response = super.handleExceptionInternal(e, body, headers, status, request);
    if (response != null && response.getBody() instanceof ProblemDetail problem) {
      HttpStatus known = HttpStatus.resolve(status.value());
      String code =
          e instanceof TypeMismatchException && status.is4xxClientError() ? "invalid-parameter"
              : e instanceof MissingServletRequestParameterException ? "missing-parameter"
              : known != null ? known.name().toLowerCase(Locale.ROOT).replace('_', '-')
              : "http-" + status.value();
      withCode(problem, code);
    }
    return response;
  }

  private static ProblemDetail withCode(ProblemDetail body, String code) {
    body.setType(URI.create("urn:feature-store:problem:" + code));
    body.setTitle(code);
    body.setProperty("code", code);
    return body;
  }

  private static String known(UnrecognizedPropertyException e) {
    return e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  /** {@code " at "} and the JSON path of the failure, or "" for the whole body. */
  private static String at(JacksonException e) {
    String path = path(e);
    return path.isEmpty() ? "" : " at " + path;
  }

  /** The JSON path of the failure, like {@code storage.compression}, or "". */
  private static String path(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
