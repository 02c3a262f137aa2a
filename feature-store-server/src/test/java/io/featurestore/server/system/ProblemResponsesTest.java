package io.featurestore.server.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.server.TestApi;
import io.featurestore.server.TestApi.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Every error is a problem with a code: Spring MVC's own, a catalog database that fails, a bug. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ProblemResponsesTest.Failing.class)
class ProblemResponsesTest {
  @LocalServerPort int port;
  TestApi api;

  @BeforeEach
  void setUp() {
    api = new TestApi(port);
  }

  /** Throws what the catalog database, or a bug, would throw from inside a service. */
  @RestController
  static class Failing {
    @GetMapping("/test/fail/{what}")
    String fail(@PathVariable String what) {
      throw switch (what) {
        case "connection" -> new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection");
        case "lock-timeout" -> new QueryTimeoutException("Timeout trying to lock table");
        case "transaction" -> new org.springframework.transaction.CannotCreateTransactionException(
            "Could not open JDBC Connection for transaction");
        case "wrapped" -> new java.util.concurrent.CompletionException(
            io.featurestore.api.FeatureStoreException.invalid("invalid-value", "value 7 of column 'x' is negative"));
        case "integrity" -> new DataIntegrityViolationException("SQL [insert into secret_table] value too long");
        default -> new IllegalStateException("bug with secret detail");
      };
    }

    @GetMapping("/test/required")
    int required(@RequestParam int count) {
      return count;
    }
  }

  @Test
  void catalogDatabaseThatCannotAnswerIsUnavailable() {
    for (String what : new String[] {"connection", "lock-timeout", "transaction"}) {
      Response response = api.get("/test/fail/" + what);
      assertProblem(response, 503, "catalog-unavailable");
      assertThat(response.header("Retry-After")).isEqualTo("5");
    }
  }

  @Test
  void aWrappedErrorOfOursIsAnsweredAsItself() {
    Response response = api.get("/test/fail/wrapped");
    assertProblem(response, 400, "invalid-value");
    assertThat(response.body().get("detail").asString()).contains("column 'x'");
  }

  @Test
  void anythingUnexpectedIsAnInternalProblemWithoutDetails() {
    for (String what : new String[] {"integrity", "bug"}) {
      Response response = api.get("/test/fail/" + what);
      assertProblem(response, 500, "internal");
      assertThat(response.raw().body()).doesNotContain("secret", "Exception", "\tat ");
    }
  }

  @Test
  void springMvcErrorsCarryACodeNamingParameterAndValue() {
    Response pageSize = api.get("/api/v1/feature-sets?pageSize=abc");
    assertProblem(pageSize, 400, "invalid-parameter");
    assertThat(pageSize.body().get("detail").asString()).contains("pageSize", "abc");
    Response asOf = api.get("/api/v1/feature-sets/x/versions/1/snapshots/latest?asOf=yesterday");
    assertProblem(asOf, 400, "invalid-parameter");
    assertThat(asOf.body().get("detail").asString()).contains("asOf", "yesterday");

    Response missing = api.get("/test/required");
    assertProblem(missing, 400, "missing-parameter");
    assertThat(missing.body().get("detail").asString()).contains("count");

    assertProblem(api.get("/api/v1/no-such-thing"), 404, "not-found");
    assertProblem(api.delete("/api/v1/feature-sets"), 405, "method-not-allowed");
    assertProblem(api.upload("/api/v1/feature-sets", "text/plain", java.net.http.HttpRequest.BodyPublishers.ofString("x")),
        415, "unsupported-media-type");
  }

  private static void assertProblem(Response response, int status, String code) {
    assertThat(response.status()).as(response.raw().body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.body().get("code").asString()).as(response.raw().body()).isEqualTo(code);
  }
}
