package io.featurestore.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurestore.storage.s3.S3StoreConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Defaults and the environment-variable names documented in deploy/feature-store.env.example. */
class BucketPropertiesTest {
  private static BucketProperties bind(Map<String, Object> environment) {
    var source = new SystemEnvironmentPropertySource("systemEnvironment", environment);
    return new Binder(ConfigurationPropertySources.from(source)).bindOrCreate("feature-store.bucket", BucketProperties.class);
  }

  @Test
  void defaultsToLocalDirectory() {
    BucketProperties properties = bind(Map.of());
    assertThat(properties.type()).isEqualTo(BucketProperties.Type.LOCAL);
    assertThat(properties.local().root().normalize()).isEqualTo(Path.of("data/bucket"));
    assertThat(properties.s3().region()).isEqualTo("us-east-1");
    assertThat(properties.s3().checksums()).isFalse();
  }

  @Test
  void bindsEnvironmentVariables() {
    BucketProperties properties =
        bind(Map.of(
            "FEATURESTORE_BUCKET_TYPE", "s3",
            "FEATURESTORE_BUCKET_S3_BUCKET", "features",
            "FEATURESTORE_BUCKET_S3_PREFIX", "prod",
            "FEATURESTORE_BUCKET_S3_ENDPOINT", "http://minio:9000",
            "FEATURESTORE_BUCKET_S3_ACCESSKEY", "ak",
            "FEATURESTORE_BUCKET_S3_SECRETKEY", "sk",
            "FEATURESTORE_BUCKET_S3_SERVERSIDEENCRYPTION", "",
            "FEATURESTORE_BUCKET_S3_PARTSIZE", "32MB",
            "FEATURESTORE_BUCKET_S3_REQUESTTIMEOUT", "30s"));
    assertThat(properties.type()).isEqualTo(BucketProperties.Type.S3);
    S3StoreConfig config = properties.s3().toConfig();
    assertThat(config.bucket()).isEqualTo("features");
    assertThat(config.prefix()).isEqualTo("prod");
    assertThat(config.endpoint()).isEqualTo(URI.create("http://minio:9000"));
    assertThat(config.accessKey()).isEqualTo("ak");
    assertThat(config.serverSideEncryption()).isNull();
    assertThat(config.partSize()).isEqualTo(32 * 1024 * 1024);
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(properties.s3().toString()).doesNotContain("sk");
  }
}
