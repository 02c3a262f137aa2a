package io.featurestore.storage.s3;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An object store in an S3-compatible bucket (AWS S3, Ceph RGW, MinIO) through AWS SDK for Java v2.
 * Large objects are written by multipart upload while they are produced ({@link S3Upload}); reads
 * are ranged GETs so columnar readers fetch only the bytes they need.
 */
public final class S3ObjectStore implements ObjectStore {
  private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
  private static final int DELETE_BATCH = 1000;

  private final S3StoreConfig config;
  private final S3Client s3;
  private final ExecutorService uploadExecutor;

  public S3ObjectStore(S3StoreConfig config) {
    this.config = requireNonNull(config, "config is null");
    this.s3 = buildClient(config);
    this.uploadExecutor = Executors.newFixedThreadPool(config.uploadThreads(), daemonThreads("s3-upload"));
  }

  private static S3Client buildClient(S3StoreConfig config) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(config.region()))
            .forcePathStyle(config.pathStyle())
            .credentialsProvider(credentials(config))
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .maxConnections(config.uploadThreads() * 2 + 32)
                    .socketTimeout(config.requestTimeout())
                    .connectionTimeout(config.requestTimeout()))
            .overrideConfiguration(
                o -> o.apiCallAttemptTimeout(config.requestTimeout())
                        .retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(config.maxRetries() + 1)
                                .build()));
    if (config.checksums()) {
      builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_SUPPORTED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_SUPPORTED);
    } else {
      // Older MinIO/Ceph reject the SDK's CRC32 trailers and need Content-MD5 on DeleteObjects.
      builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
          .addPlugin(LegacyMd5Plugin.create());
    }
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(S3StoreConfig config) {
    if (config.accessKey() != null) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger counter = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  S3StoreConfig config() {
    return config;
  }

  S3Client client() {
    return s3;
  }

  ExecutorService uploadExecutor() {
    return uploadExecutor;
  }

  /** The full S3 key of a store key, with the configured prefix. */
  String s3Key(ObjectKey key) {
    return config.prefix().isEmpty() ? key.path() : config.prefix() + "/" + key.path();
  }

  /**
   * The store key of a listed S3 key; empty for keys other tools put there that no store key names
   * (folder markers ending in '/', empty segments), so that they do not break a listing.
   */
  private Optional<ObjectKey> storeKey(String s3Key) {
    String path = config.prefix().isEmpty() ? s3Key : s3Key.substring(config.prefix().length() + 1);
    try {
      return Optional.of(ObjectKey.of(path));
    } catch (FeatureStoreException e) {
      log.debug("ignoring S3 key '{}' in a listing: {}", s3Key, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public ObjectUpload newUpload(ObjectKey key) {
    return new S3Upload(this, requireNonNull(key, "key is null"));
  }

  @Override
  public ObjectInfo put(ObjectKey key, byte[] content) {
    return call("write", key, () -> {
      s3.putObject(withEncryption(PutObjectRequest.builder().bucket(config.bucket()).key(s3Key(key))), RequestBody.fromBytes(content));
      return new ObjectInfo(key, content.length, java.time.Instant.now());
    });
  }

  PutObjectRequest withEncryption(PutObjectRequest.Builder request) {
    if (config.serverSideEncryption() != null) {
      request.serverSideEncryption(config.serverSideEncryption());
      if (config.kmsKeyId() != null) {
        request.ssekmsKeyId(config.kmsKeyId());
      }
    }
    return request.build();
  }

  @Override
  public ObjectInput open(ObjectKey key) {
    HeadObjectResponse head = call("open", key, () -> s3.headObject(b -> b.bucket(config.bucket()).key(s3Key(key))));
    return new S3Input(key, head.contentLength());
  }

  @Override
  public ObjectInput open(ObjectKey key, long length) {
    return new S3Input(key, length);
  }

  @Override
  public Optional<ObjectInfo> stat(ObjectKey key) {
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(config.bucket()).key(s3Key(key)));
      return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !(e instanceof NoSuchBucketException)) {
        return Optional.empty();
      }
      throw classify("stat", key.path(), e);
    } catch (SdkException e) {
      throw classify("stat", key.path(), e);
    }
  }

  @Override
  public List<ObjectInfo> list(ObjectKey prefix) {
    return call("list", prefix, () -> {
      List<ObjectInfo> result = new ArrayList<>();
      for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(s3Key(prefix) + "/")).contents()) {
        storeKey(o.key()).ifPresent(key -> result.add(new ObjectInfo(key, o.size(), o.lastModified())));
      }
      result.sort((a, b) -> a.key().compareTo(b.key()));
      return result;
    });
  }

  @Override
  public void delete(Collection<ObjectKey> keys) {
    List<ObjectKey> all = List.copyOf(keys);
    for (int i = 0; i < all.size(); i += DELETE_BATCH) {
      List<ObjectKey> batch = all.subList(i, Math.min(all.size(), i + DELETE_BATCH));
      List<ObjectIdentifier> ids = batch.stream().map(k -> ObjectIdentifier.builder().key(s3Key(k)).build()).toList();
      DeleteObjectsResponse response =
          call("delete", batch.get(0), () -> s3.deleteObjects(b -> b.bucket(config.bucket()).delete(d -> d.objects(ids).quiet(true))));
      if (response.hasErrors() && !response.errors().isEmpty()) {
        var first = response.errors().get(0);
        throw new FeatureStoreException(
            ErrorKind.UNAVAILABLE, "store-delete-failed",
            "could not delete " + response.errors().size() + " objects, first '" + first.key() + "': " + first.code()
                + " " + first.message());
      }
    }
  }

  @Override
  public String uri(ObjectKey key) {
    return "s3://" + config.bucket() + "/" + s3Key(key);
  }

  @Override
  public void close() {
    // Parts already queued are sent, so uploads waiting on them complete or fail instead of hanging.
    uploadExecutor.shutdown();
    try {
      if (!uploadExecutor.awaitTermination(config.requestTimeout().toSeconds() + 1, TimeUnit.SECONDS)) {
        log.warn("closing the S3 store with parts still being uploaded");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    s3.close();
  }

  <T> T call(String action, ObjectKey key, Supplier<T> request) {
    try {
      return request.get();
    } catch (SdkException e) {
      throw classify(action, key.path(), e);
    }
  }

  /** Turns an SDK failure into a feature-store error whose kind says whether a retry can help. */
  FeatureStoreException classify(String action, String key, SdkException e) {
    String where = "s3://" + config.bucket() + "/" + key;
    if (e instanceof NoSuchBucketException) {
      return new FeatureStoreException(ErrorKind.UNAVAILABLE, "bucket-not-found",
          "bucket '" + config.bucket() + "' does not exist; create it or fix the store's bucket setting", e);
    }
    if (e instanceof NoSuchKeyException || (e instanceof S3Exception s && s.statusCode() == 404)) {
      return new FeatureStoreException(ErrorKind.NOT_FOUND, "object-not-found", "object " + where + " does not exist", e);
    }
    if (e instanceof S3Exception s && (s.statusCode() == 403 || s.statusCode() == 401)) {
      return new FeatureStoreException(ErrorKind.UNAVAILABLE, "store-access-denied",
          "access to " + where + " denied during " + action + ": check the store's credentials and bucket policy", e);
    }
    if (e instanceof S3Exception s && s.statusCode() < 500 && s.statusCode() != 429) {
      return new FeatureStoreException(ErrorKind.INTERNAL, "store-request-rejected",
          "the object store rejected " + action + " of " + where + ": " + s.getMessage(), e);
    }
    return new FeatureStoreException(ErrorKind.UNAVAILABLE, "store-unavailable",
        "object store unavailable during " + action + " of " + where + ": " + e.getMessage(), e);
  }

  /** Ranged GETs of one object. */
  private final class S3Input implements ObjectInput {
    private final ObjectKey key;
    private final long length;

    S3Input(ObjectKey key, long length) {
      this.key = key;
      this.length = length;
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int len) throws IOException {
      if (len == 0) {
        return;
      }
      if (position < 0 || position + len > length) {
        throw new java.io.EOFException(
            "range " + position + "+" + len + " is outside object '" + key + "' of " + length + " bytes");
      }
      int done = 0;
      int drops = 0;
      while (done < len) {
        int before = done;
        ResponseInputStream<GetObjectResponse> in = get(position + done, position + len - 1);
        try {
          while (done < len) {
            int n = in.read(buffer, offset + done, len - done);
            if (n < 0) {
              throw new java.io.EOFException("object '" + key + "' ended early at " + (position + done));
            }
            done += n;
          }
          in.close();
        } catch (IOException e) {
          // The connection dropped mid-body (the SDK retries only until the body starts): continue
          // with a GET of the bytes not yet read. Retries count drops in a row, not over a long read.
          in.abort();
          drops = afterDrop(e, done > before ? 0 : drops, position + done, position + len);
        } catch (RuntimeException e) {
          in.abort(); // an interrupted read (the SDK's AbortedException): the connection is not reusable
          throw e;
        }
      }
    }

    @Override
    public InputStream newStream(long position, long len) throws IOException {
      if (position < 0 || len < 0 || position + len > length) {
        throw new java.io.EOFException(
            "range " + position + "+" + len + " is outside object '" + key + "' of " + length + " bytes");
      }
      return len == 0 ? InputStream.nullInputStream() : new ResumingStream(position, position + len);
    }

    /**
     * Counts a dropped read of {@code [position, end)} and waits before the next attempt; fails
     * naming the object and the byte once the retries are used up.
     */
    private int afterDrop(IOException e, int drops, long position, long end) throws IOException {
      if (drops >= config.maxRetries()) {
        throw new IOException("reading " + uri(key) + " bytes " + position + "-" + (end - 1) + " failed after "
            + (drops + 1) + " attempts in a row: " + e, e);
      }
      try {
        Thread.sleep(Math.min(2000, 50L << drops));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw e;
      }
      return drops + 1;
    }

    /** A sequential read of a range that reopens at the current byte when the connection drops. */
    private final class ResumingStream extends InputStream {
      private final long end;
      private long position;
      private ResponseInputStream<GetObjectResponse> in;
      private int drops;

      ResumingStream(long position, long end) throws IOException {
        this.position = position;
        this.end = end;
        this.in = get(position, end - 1);
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int len) throws IOException {
        while (true) {
          if (position >= end) {
            return -1;
          }
          try {
            int n = in.read(buffer, offset, (int) Math.min(len, end - position));
            if (n < 0) {
              throw new java.io.EOFException("object '" + key + "' ended early at " + position);
            }
            position += n;
            drops = 0;
            return n;
          } catch (IOException e) {
            in.abort();
            drops = afterDrop(e, drops, position, end);
            in = get(position, end - 1);
          }
        }
      }

      /** Closing before the end drops the connection: closing it cleanly would read the rest first. */
      @Override
      public void close() throws IOException {
        if (position < end) {
          in.abort();
        } else {
          in.close();
        }
      }
    }

    private ResponseInputStream<GetObjectResponse> get(long first, long last) throws IOException {
      GetObjectRequest request =
          GetObjectRequest.builder().bucket(config.bucket()).key(s3Key(key)).range("bytes=" + first + "-" + last).build();
      ResponseInputStream<GetObjectResponse> in = call("read", key, () -> s3.getObject(request));
      // A proxy that ignores Range answers 200 with the whole object, which must not pass for the
      // range (unless the range is the whole object). Content-Length may be absent (chunked).
      GetObjectResponse response = in.response();
      int status = response.sdkHttpResponse().statusCode();
      Long bytes = response.contentLength();
      String range = response.contentRange();
      long expected = last - first + 1;
      if (status == 206 && bytes != null && bytes < expected) {
        in.abort();
        throw new java.io.EOFException("reading " + uri(key) + " bytes " + first + "-" + last + ": the object is shorter ("
            + range + ")");
      }
      boolean wholeObject = status == 200 && first == 0 && bytes != null && bytes == expected;
      if (!(status == 206 || wholeObject) || (bytes != null && bytes != expected)
          || (status == 206 && range != null && !range.startsWith("bytes " + first + "-"))) {
        in.abort();
        throw new IOException("reading " + uri(key) + " bytes " + first + "-" + last + ": the server answered " + status
            + " with " + bytes + " bytes (Content-Range " + range + "); does a proxy ignore Range requests?");
      }
      return in;
    }

    @Override
    public void close() {}
  }
}
