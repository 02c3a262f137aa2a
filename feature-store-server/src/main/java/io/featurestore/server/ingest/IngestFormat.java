package io.featurestore.server.ingest;

import io.featurestore.api.FeatureStoreException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Upload formats, chosen by the request's Content-Type. */
enum IngestFormat {
  ARROW_STREAM("application/vnd.apache.arrow.stream"),
  PARQUET("application/vnd.apache.parquet", "application/x-parquet"),
  CSV("text/csv"),
  NDJSON("application/x-ndjson", "application/jsonl", "application/json-seq");

  private final List<String> mediaTypes;

  IngestFormat(String... mediaTypes) {
    this.mediaTypes = List.of(mediaTypes);
  }

  static IngestFormat of(String contentType) {
    String mediaType =
        contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    for (IngestFormat format : values()) {
      if (format.mediaTypes.contains(mediaType)) {
        return format;
      }
    }
    throw FeatureStoreException.invalid(
        "unsupported-content-type",
        "Content-Type '" + contentType + "' is not an upload format; use one of "
            + Arrays.stream(values()).flatMap(f -> f.mediaTypes.stream()).collect(Collectors.joining(", ")));
  }
}
