package io.featurestore.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for the server under test: tests see exactly what curl would. */
public final class TestApi {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  public TestApi(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** A response with its body parsed as JSON (null for an empty body). */
  public record Response(int status, JsonNode body, HttpResponse<String> raw) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
  }

  public Response post(String path, String json, String... headers) {
    HttpRequest.Builder request = json("POST", path, json);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.build());
  }

  public Response patch(String path, String json) {
    return send(json("PATCH", path, json).build());
  }

  /** Posts a body of the given content type, streamed from {@code body}. */
  public Response upload(String path, String contentType, Supplier<InputStream> body, String... headers) {
    return upload(path, contentType, BodyPublishers.ofInputStream(body), headers);
  }

  public Response upload(String path, String contentType, BodyPublisher body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType).POST(body);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.build());
  }

  public static JsonNode parse(String json) {
    return JSON.readTree(json);
  }

  private HttpRequest.Builder json(String method, String path, String json) {
    return HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/json")
        .method(method, BodyPublishers.ofString(json));
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
      String body = response.body();
      boolean json = response.headers().firstValue("Content-Type").orElse("").contains("json");
      return new Response(response.statusCode(), json && !body.isEmpty() ? JSON.readTree(body) : null, response);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
