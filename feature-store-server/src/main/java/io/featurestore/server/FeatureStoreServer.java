package io.featurestore.server;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** The feature store service: catalog, ingest and snapshots over REST. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FeatureStoreServer {
  public static void main(String[] args) {
    SpringApplication.run(FeatureStoreServer.class, args);
  }

  /** Time source of commits and catalog changes; tests may replace it. */
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
