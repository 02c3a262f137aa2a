package io.featurestore.server.storage;

import io.featurestore.storage.s3.S3StoreConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where snapshots are stored ({@code feature-store.bucket.*}).
 *
 * @param type {@code local} (a directory; the embedded default) or {@code s3} (AWS S3, Ceph RGW, MinIO)
 * @param local settings of the local directory store
 * @param s3 settings of the S3 store
 */
@ConfigurationProperties("feature-store.bucket")
public record BucketProperties(@DefaultValue("local") Type type, @DefaultValue Local local, @DefaultValue S3 s3) {
  public enum Type {
    LOCAL,
    S3
  }

  /** @param root directory holding the objects */
  public record Local(@DefaultValue("./data/bucket") Path root) {}

  /**
   * @param bucket bucket name (required for type s3)
   * @param prefix key prefix inside the bucket, without leading or trailing '/'
   * @param endpoint endpoint of an S3-compatible store such as {@code http://minio:9000}; empty for AWS
   * @param region signing region
   * @param pathStyle address buckets as {@code endpoint/bucket}; most non-AWS stores need it
   * @param accessKey static access key; empty to use the AWS default credential chain
   * @param secretKey static secret key (secret: never logged)
   * @param partSize multipart upload part size (at least 5MB)
   * @param maxPartsInFlight parts of one upload buffered or in flight; memory per upload is about
   *     (maxPartsInFlight + 1) * partSize
   * @param uploadThreads threads sending parts, shared by all uploads
   * @param checksums send the SDK's newer flexible checksum headers; older MinIO and Ceph reject them
   * @param serverSideEncryption empty, {@code AES256} or {@code aws:kms}
   * @param kmsKeyId KMS key id for {@code aws:kms}; empty for the bucket default
   * @param requestTimeout timeout of one request attempt
   * @param maxRetries retries of a failed request, with backoff
   */
  public record S3(
      String bucket,
      @DefaultValue("") String prefix,
      URI endpoint,
      @DefaultValue("us-east-1") String region,
      @DefaultValue("true") boolean pathStyle,
      String accessKey,
      String secretKey,
      @DefaultValue("16MB") DataSize partSize,
      @DefaultValue("4") int maxPartsInFlight,
      @DefaultValue("8") int uploadThreads,
      @DefaultValue("false") boolean checksums,
      String serverSideEncryption,
      String kmsKeyId,
      @DefaultValue("60s") Duration requestTimeout,
      @DefaultValue("5") int maxRetries) {
    S3StoreConfig toConfig() {
      if (bucket == null || bucket.isBlank()) {
        throw new IllegalStateException("feature-store.bucket.s3.bucket is required when feature-store.bucket.type=s3");
      }
      return new S3StoreConfig(
          bucket, prefix, endpoint, region, pathStyle, blankToNull(accessKey), blankToNull(secretKey),
          Math.toIntExact(partSize.toBytes()), maxPartsInFlight, uploadThreads, checksums,
          blankToNull(serverSideEncryption), blankToNull(kmsKeyId), requestTimeout, maxRetries);
    }

    @Override
    public String toString() {
      return toConfig().toString();
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value;
    }
  }
}
