package io.featurestore.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The feature store service: catalog, ingest and snapshots over REST. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FeatureStoreServer {
  public static void main(String[] args) {
    SpringApplication.run(FeatureStoreServer.class, args);
  }
}
