package io.featurestore.server.storage;

import io.featurestore.api.storage.ObjectStore;
import io.featurestore.storage.local.LocalObjectStore;
import io.featurestore.storage.s3.S3ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The object store chosen by {@link BucketProperties}. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {
  private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

  @Bean(destroyMethod = "close")
  ObjectStore objectStore(BucketProperties properties) {
    return switch (properties.type()) {
      case LOCAL -> {
        log.info("Bucket: local directory {}", properties.local().root().toAbsolutePath());
        yield new LocalObjectStore(properties.local().root());
      }
      case S3 -> {
        var config = properties.s3().toConfig();
        log.info("Bucket: {}", config);
        yield new S3ObjectStore(config);
      }
    };
  }
}
