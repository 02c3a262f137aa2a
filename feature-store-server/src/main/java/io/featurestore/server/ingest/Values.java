package io.featurestore.server.ingest;

import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.format.arrow.TimestampMicros;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Conversion of text (CSV cells, JSON strings) and JSON numbers and booleans to the canonical Java
 * value of a scalar type: Boolean, Integer, Long, Float, Double, String, byte[] and, for timestamps,
 * Long microseconds since the epoch (UTC). Failures are {@link IllegalArgumentException}s whose
 * message says what was expected; callers add the row and column.
 */
final class Values {
  private Values() {}

  static Object fromText(ScalarType type, String text) {
    try {
      return switch (type) {
        case BOOL -> switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
          case "true", "1" -> Boolean.TRUE;
          case "false", "0" -> Boolean.FALSE;
          default -> throw new IllegalArgumentException("expected true or false");
        };
        case INT32 -> Integer.parseInt(text.strip());
        case INT64 -> Long.parseLong(text.strip());
        case FLOAT32 -> Float.parseFloat(text.strip());
        case FLOAT64 -> Double.parseDouble(text.strip());
        case STRING -> text;
        case BYTES -> Base64.getDecoder().decode(text.strip());
        case TIMESTAMP -> timestampMicros(text.strip());
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a number of type " + type.typeName());
    }
  }

  /** A JSON number as the given type; integer types refuse fractions and out-of-range values. */
  static Object fromNumber(ScalarType type, Number number) {
    return switch (type) {
      case INT32, INT64, TIMESTAMP -> {
        BigDecimal value = number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
        try {
          long exact = value.longValueExact();
          if (type == ScalarType.INT32 && (exact < Integer.MIN_VALUE || exact > Integer.MAX_VALUE)) {
            throw new ArithmeticException();
          }
          yield type == ScalarType.INT32 ? (Object) (int) exact : (Object) exact;
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException("expected a whole number that fits " + type.typeName());
        }
      }
      case FLOAT32 -> number.floatValue();
      case FLOAT64 -> number.doubleValue();
      default -> throw new IllegalArgumentException("expected " + type.typeName() + ", not a number");
    };
  }

  static Object fromBoolean(ScalarType type, boolean value) {
    if (type != ScalarType.BOOL) {
      throw new IllegalArgumentException("expected " + type.typeName() + ", not a boolean");
    }
    return value;
  }

  /** A vector cell must have exactly its dimension's number of values. */
  static void checkLength(FeatureType type, int length) {
    if (type.shape() == FeatureType.Shape.VECTOR && length != type.dimension()) {
      throw new IllegalArgumentException("expected " + type.dimension() + " values, got " + length);
    }
  }

  /**
   * ISO-8601 with an offset ({@code 2026-01-02T03:04:05.123Z}), without one (taken as UTC, also with
   * a space instead of 'T'), a date (midnight UTC), or a whole number of microseconds since the epoch.
   */
  static long timestampMicros(String text) {
    if (!text.isEmpty() && text.chars().allMatch(c -> c == '-' || Character.isDigit(c)) && text.lastIndexOf('-') <= 0) {
      return Long.parseLong(text);
    }
    String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
    Instant instant;
    try {
      instant = OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      try {
        instant = LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notDateTime) {
        try {
          instant = LocalDate.parse(iso).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(
              "expected an ISO-8601 timestamp such as 2026-01-02T03:04:05Z, or microseconds since the epoch");
        }
      }
    }
    try {
      return TimestampMicros.fromInstant(instant);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("timestamp " + instant + " is beyond the range of microseconds since the epoch");
    }
  }
}
