package io.featurestore.api.manifest;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.ErrorKind;
import io.featurestore.api.schema.FeatureSetSchema;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes manifests as JSON. Unknown fields are ignored so newer writers stay readable. */
public final class ManifestCodec {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private ManifestCodec() {}

  public static byte[] toJson(SnapshotManifest manifest) {
    return MAPPER.writeValueAsBytes(manifest);
  }

  /** The schema as compact JSON, as embedded in shard file metadata. */
  public static String schemaToJson(FeatureSetSchema schema) {
    return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(schema);
  }

  /** Reads a schema written by {@link #schemaToJson}. */
  public static FeatureSetSchema schemaFromJson(String json) {
    try {
      return MAPPER.readValue(json, FeatureSetSchema.class);
    } catch (JacksonException e) {
      throw new FeatureStoreException(
          ErrorKind.INTERNAL, "corrupt-schema", "stored schema is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static SnapshotManifest fromJson(byte[] json) {
    try {
      SnapshotManifest manifest = MAPPER.readValue(json, SnapshotManifest.class);
      if (manifest.formatVersion() > SnapshotManifest.FORMAT_VERSION) {
        throw FeatureStoreException.invalid(
            "unsupported-manifest",
            "manifest format version " + manifest.formatVersion() + " is newer than this reader's "
                + SnapshotManifest.FORMAT_VERSION + "; upgrade the client");
      }
      return manifest;
    } catch (JacksonException e) {
      throw new FeatureStoreException(ErrorKind.INTERNAL, "corrupt-manifest", "manifest is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
