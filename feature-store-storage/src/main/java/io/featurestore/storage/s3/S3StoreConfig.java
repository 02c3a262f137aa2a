package io.featurestore.storage.s3;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * Settings of an {@link S3ObjectStore}. The defaults work against AWS S3, Ceph RGW and MinIO,
 * including releases that predate the SDK's newer request checksums.
 *
 * @param bucket bucket name
 * @param prefix key prefix inside the bucket ("" for none), without leading or trailing '/'
 * @param endpoint endpoint override for S3-compatible stores, or null for AWS
 * @param region signing region, e.g. {@code us-east-1}
 * @param pathStyle address the bucket as {@code endpoint/bucket} (needed by most non-AWS stores)
 * @param accessKey static access key, or null for the SDK's default credential chain
 * @param secretKey static secret key, or null; never printed
 * @param partSize multipart upload part size in bytes, 5 MiB .. 5 GiB
 * @param maxPartsInFlight parts of one upload buffered or being sent at once; memory per upload is
 *     about {@code (maxPartsInFlight + 1) * partSize}
 * @param uploadThreads threads sending parts, shared by all uploads of the store
 * @param checksums send the SDK's flexible request checksums ({@code WHEN_SUPPORTED}); off by
 *     default because older MinIO and Ceph releases reject them
 * @param serverSideEncryption null, {@code AES256} or {@code aws:kms}
 * @param kmsKeyId KMS key for {@code aws:kms}, or null for the bucket's default key
 * @param requestTimeout timeout of one HTTP request attempt
 * @param maxRetries retries of a failed request (SDK standard retry strategy with backoff)
 */
public record S3StoreConfig(
    String bucket,
    String prefix,
    URI endpoint,
    String region,
    boolean pathStyle,
    String accessKey,
    String secretKey,
    int partSize,
    int maxPartsInFlight,
    int uploadThreads,
    boolean checksums,
    String serverSideEncryption,
    String kmsKeyId,
    Duration requestTimeout,
    int maxRetries) {
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  public S3StoreConfig {
    requireNonNull(bucket, "bucket is null");
    requireNonNull(region, "region is null");
    requireNonNull(requestTimeout, "requestTimeout is null");
    prefix = prefix == null ? "" : prefix;
    if (bucket.isBlank()) {
      throw new IllegalArgumentException("bucket is blank");
    }
    if (prefix.startsWith("/") || prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix must not start or end with '/': " + prefix);
    }
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException("partSize must be at least 5 MiB (S3's minimum), got " + partSize);
    }
    if (maxPartsInFlight < 1 || uploadThreads < 1 || maxRetries < 0) {
      throw new IllegalArgumentException("maxPartsInFlight and uploadThreads must be >= 1, maxRetries >= 0");
    }
    if ((accessKey == null) != (secretKey == null)) {
      throw new IllegalArgumentException("set both accessKey and secretKey, or neither");
    }
    if (serverSideEncryption != null
        && !serverSideEncryption.equals("AES256")
        && !serverSideEncryption.equals("aws:kms")) {
      throw new IllegalArgumentException(
          "serverSideEncryption must be AES256 or aws:kms, got " + serverSideEncryption);
    }
  }

  /** Defaults for a bucket: 16 MiB parts, 4 in flight, 8 threads, no extra checksums, no SSE. */
  public static S3StoreConfig of(String bucket, URI endpoint, String region) {
    return new S3StoreConfig(
        bucket, "", endpoint, region, endpoint != null, null, null, 16 * 1024 * 1024, 4, 8, false, null, null,
        Duration.ofSeconds(60), 5);
  }

  public S3StoreConfig withCredentials(String accessKey, String secretKey) {
    return new S3StoreConfig(
        bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey, partSize, maxPartsInFlight,
        uploadThreads, checksums, serverSideEncryption, kmsKeyId, requestTimeout, maxRetries);
  }

  public S3StoreConfig withPrefix(String prefix) {
    return new S3StoreConfig(
        bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey, partSize, maxPartsInFlight,
        uploadThreads, checksums, serverSideEncryption, kmsKeyId, requestTimeout, maxRetries);
  }

  /** The same bucket through another endpoint (a proxy, a VPC endpoint). */
  public S3StoreConfig withEndpoint(URI endpoint) {
    return new S3StoreConfig(
        bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey, partSize, maxPartsInFlight,
        uploadThreads, checksums, serverSideEncryption, kmsKeyId, requestTimeout, maxRetries);
  }

  public S3StoreConfig withParts(int partSize, int maxPartsInFlight) {
    return new S3StoreConfig(
        bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey, partSize, maxPartsInFlight,
        uploadThreads, checksums, serverSideEncryption, kmsKeyId, requestTimeout, maxRetries);
  }

  @Override
  public String toString() {
    return "S3StoreConfig[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint + ", region=" + region
        + ", pathStyle=" + pathStyle + ", accessKey=" + accessKey + ", secretKey=" + (secretKey == null ? null : "***")
        + ", partSize=" + partSize + ", maxPartsInFlight=" + maxPartsInFlight + ", uploadThreads=" + uploadThreads
        + ", checksums=" + checksums + ", serverSideEncryption=" + serverSideEncryption + "]";
  }
}
