package io.featurestore.client;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.ManifestCodec;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.client.read.ReadOptions;
import io.featurestore.client.read.RecyclingMemory;
import io.featurestore.client.read.ReaderState;
import io.featurestore.client.read.SnapshotStream;
import io.featurestore.client.shards.CachedShards;
import io.featurestore.client.shards.DirectShards;
import io.featurestore.client.shards.ShardSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The feature store client: catalog calls to the server over REST, and snapshot reads straight from
 * the bucket into Arrow batches. One client is thread-safe and meant to be shared; it owns a thread
 * pool, an Arrow allocator and, when built from bucket settings, the object store, and {@link
 * #close()} releases them (close streams first).
 *
 * <pre>{@code
 * try (FeatureStoreClient client = FeatureStoreClient.builder()
 *         .serverUrl(URI.create("http://feature-store:8080"))
 *         .bucket(new S3ObjectStore(S3StoreConfig.of("features", null, "us-east-1")))
 *         .build();
 *     SnapshotStream stream = client.read("user_clicks", "latest", ReadOptions.shuffled(42).withWorker(rank, world))) {
 *   while (stream.next()) {
 *     train(stream.batch());
 *   }
 * }
 * }</pre>
 */
public final class FeatureStoreClient implements AutoCloseable {
  private static final JsonMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final URI serverUrl;
  private final ShardSource shards;
  private final Duration requestTimeout;
  private final long memoryBudget;
  private final HttpClient http;
  private final ExecutorService pool;
  private final RecyclingMemory memory;
  private final BufferAllocator allocator;

  private FeatureStoreClient(Builder builder) {
    this.serverUrl = builder.serverUrl;
    this.shards = builder.shards();
    this.requestTimeout = builder.requestTimeout;
    this.memoryBudget = builder.memoryBudget;
    this.http = HttpClient.newBuilder().connectTimeout(builder.requestTimeout).build();
    AtomicInteger threads = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(builder.parallelism, r -> {
      Thread t = new Thread(r, "feature-store-read-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.memory = RecyclingMemory.forBudget(builder.memoryBudget);
    this.allocator = memory.newRootAllocator();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A feature set's description as the server returns it (JSON). */
  public JsonNode featureSet(String name) {
    return get("/api/v1/feature-sets/" + encode(name));
  }

  /** All feature sets, optionally of one owner and/or with one tag (null for any). */
  public List<JsonNode> featureSets(String owner, String tag) {
    StringBuilder query = new StringBuilder("/api/v1/feature-sets?pageSize=1000");
    if (owner != null) {
      query.append("&owner=").append(encode(owner));
    }
    if (tag != null) {
      query.append("&tag=").append(encode(tag));
    }
    return allPages(query.toString());
  }

  /** The snapshots of a version ({@code "latest"} or a number), newest first. */
  public List<JsonNode> snapshots(String featureSet, String version) {
    return allPages(snapshotsPath(featureSet, version) + "?pageSize=1000");
  }

  /** The items of every page of a listing, following {@code nextPageToken}. */
  private List<JsonNode> allPages(String query) {
    List<JsonNode> result = new ArrayList<>();
    String token = null;
    do {
      JsonNode page = get(token == null ? query : query + "&pageToken=" + encode(token));
      page.get("items").forEach(result::add);
      token = page.get("nextPageToken").isNull() ? null : page.get("nextPageToken").asString();
    } while (token != null);
    return result;
  }

  /** A snapshot's manifest: {@code snapshot} is an id or {@code "latest"}. */
  public SnapshotManifest manifest(String featureSet, String version, String snapshot) {
    return ManifestCodec.fromJson(getBytes(snapshotsPath(featureSet, version) + "/" + encode(snapshot) + "/manifest"));
  }

  /** The manifest of the latest snapshot committed at or before {@code asOf}. */
  public SnapshotManifest manifestAsOf(String featureSet, String version, Instant asOf) {
    return ManifestCodec.fromJson(getBytes(snapshotsPath(featureSet, version) + "/latest/manifest?asOf=" + asOf));
  }

  /** Reads the latest snapshot of a version. The caller closes the stream. */
  public SnapshotStream read(String featureSet, String version, ReadOptions options) {
    return read(featureSet, version, "latest", options);
  }

  /** Reads a snapshot of a version by id ({@code "latest"} for the newest). The caller closes the stream. */
  public SnapshotStream read(String featureSet, String version, String snapshot, ReadOptions options) {
    return read(manifest(featureSet, version, snapshot), options, null);
  }

  /** Reads the latest snapshot committed at or before {@code asOf}. The caller closes the stream. */
  public SnapshotStream readAsOf(String featureSet, String version, Instant asOf, ReadOptions options) {
    return read(manifestAsOf(featureSet, version, asOf), options, null);
  }

  /**
   * Reads a snapshot from the bucket, continuing from {@code resume} (null to start). The caller
   * closes the stream before the client.
   */
  public SnapshotStream read(SnapshotManifest manifest, ReadOptions options, ReaderState resume) {
    if (shards == null) {
      throw new IllegalStateException("reading needs the bucket: build the client with bucket(...)");
    }
    return new SnapshotStream(manifest, shards, options, resume, pool, allocator, memoryBudget);
  }

  private static String snapshotsPath(String featureSet, String version) {
    return "/api/v1/feature-sets/" + encode(featureSet) + "/versions/" + encode(version) + "/snapshots";
  }

  private JsonNode get(String path) {
    return JSON.readTree(getBytes(path));
  }

  private byte[] getBytes(String path) {
    if (serverUrl == null) {
      throw new IllegalStateException("catalog calls need the server: build the client with serverUrl(...)");
    }
    HttpRequest request = HttpRequest.newBuilder(serverUrl.resolve(path)).timeout(requestTimeout).GET().build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new FeatureStoreException(ErrorKind.UNAVAILABLE, "server-unavailable", "cannot reach " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FeatureStoreException(ErrorKind.UNAVAILABLE, "interrupted", "interrupted calling " + request.uri(), e);
    }
    if (response.statusCode() >= 400) {
      throw problem(response);
    }
    return response.body();
  }

  /** The server's problem+json error as an exception of the same kind and code. */
  private static FeatureStoreException problem(HttpResponse<byte[]> response) {
    String code = "http-" + response.statusCode();
    String detail = new String(response.body(), StandardCharsets.UTF_8);
    try {
      JsonNode body = JSON.readTree(response.body());
      code = body.has("code") ? body.get("code").asString() : code;
      detail = body.has("detail") ? body.get("detail").asString() : detail;
    } catch (RuntimeException notJson) {
      // keep the raw body as the detail
    }
    ErrorKind kind =
        switch (response.statusCode()) {
          case 400 -> ErrorKind.INVALID_ARGUMENT;
          case 404 -> ErrorKind.NOT_FOUND;
          case 409 -> ErrorKind.CONFLICT;
          case 503 -> ErrorKind.UNAVAILABLE;
          default -> ErrorKind.INTERNAL;
        };
    return new FeatureStoreException(kind, code, detail);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(requireNonNull(segment, "path segment is null"), StandardCharsets.UTF_8);
  }

  /**
   * Stops the read threads once their queued loads are done and frees memory; streams must be
   * closed first. Closes a bucket the builder was given.
   */
  @Override
  public void close() throws IOException {
    pool.shutdown(); // not shutdownNow: a dropped load would leave its stream waiting for it forever
    try {
      allocator.close();
      memory.close();
    } finally {
      if (shards != null) {
        shards.close();
      }
    }
  }

  /** Builds a {@link FeatureStoreClient}; every setting is checked here, not at first use. */
  public static final class Builder {
    private URI serverUrl;
    private ObjectStore bucket;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int parallelism = Math.max(2, Runtime.getRuntime().availableProcessors());
    private long memoryBudget = 256L * 1024 * 1024;
    private Path cacheDirectory;
    private long cacheBytes;

    private Builder() {}

    /** The server, for catalog calls and manifests, e.g. {@code http://feature-store:8080}. */
    public Builder serverUrl(URI serverUrl) {
      this.serverUrl = requireNonNull(serverUrl, "serverUrl is null");
      return this;
    }

    /** Where shards are read from; the client closes it. */
    public Builder bucket(ObjectStore bucket) {
      this.bucket = requireNonNull(bucket, "bucket is null");
      return this;
    }

    /** Timeout of one catalog call and of connecting to the server; default 30 s. */
    public Builder requestTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout is null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** Row groups fetched and decoded at once; default the number of processors (at least 2). */
    public Builder parallelism(int parallelism) {
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be positive, got " + parallelism);
      }
      this.parallelism = parallelism;
      return this;
    }

    /**
     * Decoded data a stream may hold ahead of its consumer, in bytes; default 256 MiB. Memory stays
     * near this whatever the snapshot's size (a shuffled read also holds its current shuffle block).
     */
    public Builder memoryBudget(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("memoryBudget must be positive, got " + bytes);
      }
      this.memoryBudget = bytes;
      return this;
    }

    /**
     * Keeps whole shards in a local directory of at most {@code maxBytes} (least recently used
     * evicted), each checked against the manifest's CRC32C when downloaded: repeated epochs then
     * read local disk. Shards larger than the cache are read from the bucket.
     */
    public Builder shardCache(Path directory, long maxBytes) {
      this.cacheDirectory = requireNonNull(directory, "directory is null");
      if (maxBytes < 1) {
        throw new IllegalArgumentException("cache maxBytes must be positive, got " + maxBytes);
      }
      this.cacheBytes = maxBytes;
      return this;
    }

    private ShardSource shards() {
      if (bucket == null) {
        return null;
      }
      ShardSource direct = new DirectShards(bucket);
      if (cacheDirectory == null) {
        return direct;
      }
      try {
        return new CachedShards(direct, cacheDirectory, cacheBytes);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the shard cache in " + cacheDirectory, e);
      }
    }

    public FeatureStoreClient build() {
      if (serverUrl == null && bucket == null) {
        throw new IllegalStateException("set serverUrl(...), bucket(...) or both");
      }
      return new FeatureStoreClient(this);
    }
  }
}
