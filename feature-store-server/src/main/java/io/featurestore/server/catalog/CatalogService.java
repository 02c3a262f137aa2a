package io.featurestore.server.catalog;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.BucketLayout;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.Names;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.format.tfrecord.ExampleEncoder;
import io.featurestore.server.catalog.FeatureSetRequests.Create;
import io.featurestore.server.catalog.FeatureSetRequests.CreateVersion;
import io.featurestore.server.catalog.FeatureSetRequests.Update;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Feature sets and versions: validation and the rules around the {@link Catalog}. Knows no transport. */
@Service
public class CatalogService {
  private static final Logger log = LoggerFactory.getLogger(CatalogService.class);
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.:=/-]{1,128}");
  private static final int MAX_TEXT = 4000;
  public static final int MAX_PAGE_SIZE = 1000;
  private static final int MAX_UPDATE_ATTEMPTS = 10;
  /**
   * Most columns of a schema, event timestamp included: the JSON of the widest such schema (names
   * of 128 characters, float64[65536] vectors) fits the catalog's schema_json column of 1,000,000
   * characters (V1__catalog.sql).
   */
  public static final int MAX_COLUMNS = 5000;

  private final Catalog catalog;
  private final ObjectStore store;
  private final CatalogProperties properties;
  private final Clock clock;

  CatalogService(Catalog catalog, ObjectStore store, CatalogProperties properties, Clock clock) {
    this.catalog = catalog;
    this.store = store;
    this.properties = properties;
    this.clock = clock;
  }

  public FeatureSet create(Create request) {
    Names.checkFeatureSetName(request.name());
    FeatureSetSchema schema = schema(request.schema());
    StorageOptions storage =
        request.storage() == null ? StorageOptions.defaults() : request.storage().applyTo(StorageOptions.defaults());
    checkFormats(storage, schema);
    Instant now = now();
    FeatureSet featureSet =
        new FeatureSet(
            request.name(), text("description", request.description()), owner(request.owner()), tags(request.tags()),
            checked(storage), null, now, now);
    FeatureSet created =
        catalog.createFeatureSet(featureSet, new FeatureSetVersion(request.name(), 1, "", schema, now));
    log.info("Created feature set {} (owner {})", created.name(), created.owner());
    return created;
  }

  public FeatureSet get(String name) {
    return catalog.findFeatureSet(name).orElseThrow(() -> featureSetNotFound(name));
  }

  /** A page of feature sets in name order; {@code pageToken} is the previous page's {@link Page#nextPageToken()}. */
  public Page<FeatureSet> list(String owner, String tag, String pageToken, int pageSize) {
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw FeatureStoreException.invalid(
          "invalid-page-size", "pageSize must be between 1 and " + MAX_PAGE_SIZE + ", got " + pageSize);
    }
    // Filters that no stored value can match are refused like the values themselves.
    if (owner != null) {
      printable("invalid-owner", "owner", owner);
    }
    if (tag != null) {
      tag(tag);
    }
    if (pageToken != null) {
      printable("invalid-page-token", "pageToken", pageToken);
    }
    List<FeatureSet> items = catalog.listFeatureSets(owner, tag, pageToken, pageSize);
    return new Page<>(items, items.size() == pageSize ? items.get(items.size() - 1).name() : null);
  }

  /**
   * Changes the fields the request gives. A concurrent change to the feature set (another PATCH, a
   * new version) makes the update start again from the new state, so no change is lost and the
   * formats are checked against every version that exists.
   */
  public FeatureSet update(String name, Update request) {
    for (int attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
      FeatureSet current = get(name);
      Optional<FeatureSet> updated = catalog.updateFeatureSet(apply(current, request), current.updatedAt());
      if (updated.isPresent()) {
        return updated.get();
      }
    }
    throw busy(name);
  }

  private static FeatureStoreException busy(String name) {
    return new FeatureStoreException(
        ErrorKind.UNAVAILABLE, "feature-set-busy",
        "feature set '" + name + "' changed " + MAX_UPDATE_ATTEMPTS + " times during this update; retry shortly");
  }

  /** The update time of a change to {@code current}: concurrent changes compare the time they read, so it must differ. */
  private Instant nextUpdatedAt(FeatureSet current) {
    Instant now = now();
    return now.isAfter(current.updatedAt()) ? now : current.updatedAt().plus(1, ChronoUnit.MICROS);
  }

  private FeatureSet apply(FeatureSet current, Update request) {
    StorageOptions storage = current.storage();
    if (request.storage() != null) {
      storage = checked(request.storage().applyTo(current.storage()));
      // Every version still takes uploads in the feature set's formats, not only the latest.
      for (FeatureSetVersion version : catalog.listVersions(current.name())) {
        try {
          checkFormats(storage, version.schema());
        } catch (FeatureStoreException e) {
          throw new FeatureStoreException(e.kind(), e.code(), "version " + version.version() + ": " + e.getMessage(), e);
        }
      }
    }
    Instant updatedAt = nextUpdatedAt(current);
    return new FeatureSet(
        current.name(),
        request.description() != null ? text("description", request.description()) : current.description(),
        request.owner() != null ? owner(request.owner()) : current.owner(),
        request.tags() != null ? tags(request.tags()) : current.tags(),
        storage,
        current.latestVersion(),
        current.createdAt(),
        updatedAt);
  }

  /**
   * Deletes the feature set from the catalog, then its objects. Once the catalog forgets it, no
   * reader can find its snapshots; objects a failed cleanup leaves behind are unreferenced garbage.
   */
  public void delete(String name) {
    if (!catalog.deleteFeatureSet(name)) {
      throw featureSetNotFound(name);
    }
    log.info("Deleted feature set {}", name);
    deleteObjects(BucketLayout.featureSet(name));
  }

  /**
   * Adds a version. Its schema is checked against the feature set's formats as they are when it is
   * added: a concurrent change (a PATCH adding TFRecord) makes the check start again.
   */
  public FeatureSetVersion createVersion(String name, CreateVersion request) {
    FeatureSetSchema schema = schema(request.schema());
    String description = text("description", request.description());
    for (int attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
      FeatureSet featureSet = get(name);
      checkFormats(featureSet.storage(), schema);
      if (featureSet.latestVersion() != null) {
        FeatureSetVersion latest = version(name, featureSet.latestVersion());
        if (latest.schema().equals(schema)) {
          throw FeatureStoreException.conflict(
              "schema-unchanged",
              "version " + latest.version() + " of feature set '" + name + "' already has this schema");
        }
      }
      Optional<FeatureSetVersion> created =
          catalog.createVersion(name, description, schema, nextUpdatedAt(featureSet), featureSet.updatedAt());
      if (created.isPresent()) {
        log.info("Created version {} of feature set {}", created.get().version(), name);
        return created.get();
      }
    }
    throw busy(name);
  }

  /** A version by number, or the latest for {@code "latest"}. */
  public FeatureSetVersion version(String name, String versionRef) {
    if ("latest".equals(versionRef)) {
      Integer latest = get(name).latestVersion();
      if (latest == null) {
        throw FeatureStoreException.notFound("version-not-found", "feature set '" + name + "' has no versions");
      }
      return version(name, latest);
    }
    return version(name, parseVersion(versionRef));
  }

  public FeatureSetVersion version(String name, int version) {
    return catalog
        .findVersion(name, version)
        .orElseThrow(
            () -> {
              get(name); // a missing feature set is reported as such
              return FeatureStoreException.notFound(
                  "version-not-found", "feature set '" + name + "' has no version " + version);
            });
  }

  public List<FeatureSetVersion> versions(String name) {
    get(name);
    return catalog.listVersions(name);
  }

  /**
   * Deletes a version from the catalog, then its objects. Only by number: {@code latest} would be
   * resolved anew by a retried DELETE and delete a second version.
   */
  public void deleteVersion(String name, String versionRef) {
    if ("latest".equals(versionRef)) {
      throw FeatureStoreException.invalid(
          "invalid-version",
          "delete a version by its number, not 'latest': a retried DELETE would delete the next version too;"
              + " GET .../versions/latest tells the number");
    }
    int version = parseVersion(versionRef);
    if (!catalog.deleteVersion(name, version)) {
      get(name); // a missing feature set is reported as such
      throw FeatureStoreException.notFound("version-not-found", "feature set '" + name + "' has no version " + version);
    }
    log.info("Deleted version {} of feature set {}", version, name);
    deleteObjects(BucketLayout.version(name, version));
  }

  private void deleteObjects(ObjectKey prefix) {
    try {
      List<ObjectKey> keys = store.list(prefix).stream().map(ObjectInfo::key).toList();
      store.delete(keys);
    } catch (IOException | RuntimeException e) {
      // The catalog no longer references these objects; leaving them is safe, only wasteful.
      log.warn("Could not delete objects under {}; they are unreferenced and can be removed later", prefix, e);
    }
  }

  private static FeatureSetSchema schema(FeatureSetSchema schema) {
    if (schema == null) {
      throw FeatureStoreException.invalid("invalid-schema", "schema is required");
    }
    if (schema.columns().size() > MAX_COLUMNS) {
      throw FeatureStoreException.invalid(
          "invalid-schema", "schema has " + schema.columns().size() + " columns; at most " + MAX_COLUMNS + " are allowed");
    }
    return schema;
  }

  /** Refuses a schema that one of the formats cannot hold, before any data is written. */
  private static void checkFormats(StorageOptions storage, FeatureSetSchema schema) {
    if (storage.formats().contains(ShardFormat.TFRECORD)) {
      ExampleEncoder.checkExpressible(schema);
    }
  }

  private StorageOptions checked(StorageOptions storage) {
    return storage.checkShardSize(properties.minTargetShardSize().toBytes());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS); // the catalog database keeps microseconds
  }

  static int parseVersion(String versionRef) {
    try {
      int version = Integer.parseInt(versionRef);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw FeatureStoreException.invalid(
        "invalid-version", "version must be a positive number or 'latest', got '" + versionRef + "'");
  }

  private static String owner(String owner) {
    if (owner == null || owner.isBlank() || owner.length() > 255) {
      throw FeatureStoreException.invalid("invalid-owner", "owner is required (1-255 characters), got '" + owner + "'");
    }
    return printable("invalid-owner", "owner", owner.strip());
  }

  private static String text(String field, String value) {
    String text = Objects.requireNonNullElse(value, "");
    if (text.length() > MAX_TEXT) {
      throw FeatureStoreException.invalid(
          "invalid-" + field, field + " has " + text.length() + " characters; at most " + MAX_TEXT + " are allowed");
    }
    return printable("invalid-" + field, field, text);
  }

  /**
   * Refuses control characters other than tab and line breaks: PostgreSQL cannot store U+0000 (H2
   * can), and the others only garble listings.
   */
  private static String printable(String code, String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
        throw FeatureStoreException.invalid(
            code, field + " has the control character U+%04X at index %d; remove it".formatted((int) c, i));
      }
    }
    return value;
  }

  private static List<String> tags(List<String> tags) {
    if (tags == null) {
      return List.of();
    }
    tags.forEach(CatalogService::tag);
    return List.copyOf(new TreeSet<>(tags));
  }

  private static void tag(String tag) {
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw FeatureStoreException.invalid(
          "invalid-tag", "tag '" + tag + "' is invalid: use 1-128 letters, digits or _ . : = / -");
    }
  }

  private static FeatureStoreException featureSetNotFound(String name) {
    return FeatureStoreException.notFound("feature-set-not-found", "feature set '" + name + "' does not exist");
  }
}
