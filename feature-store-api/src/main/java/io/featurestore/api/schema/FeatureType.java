package io.featurestore.api.schema;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.featurestore.api.FeatureStoreException;
import java.util.Locale;

/**
 * The type of a column: a scalar, a variable-length list of a numeric scalar ({@code float32[]}),
 * or a fixed-size vector of a numeric scalar such as an embedding ({@code float32[32]}).
 *
 * <p>Its JSON form is that text: {@code int64}, {@code float32[]}, {@code float32[32]}.
 *
 * @param element the scalar type of the value or of each list element
 * @param shape whether this is a scalar, a list or a fixed-size vector
 * @param dimension the vector length for {@link Shape#VECTOR}, 0 otherwise
 */
public record FeatureType(ScalarType element, Shape shape, int dimension) {
  /** Largest accepted vector dimension; larger embeddings are almost always a mistake in the schema. */
  public static final int MAX_DIMENSION = 65_536;

  public enum Shape {
    SCALAR,
    LIST,
    VECTOR
  }

  public FeatureType {
    requireNonNull(element, "element is null");
    requireNonNull(shape, "shape is null");
    if (shape != Shape.SCALAR && !element.isNumeric()) {
      throw FeatureStoreException.invalid(
          "invalid-type", "lists and vectors hold numeric elements only, not " + element.typeName());
    }
    if (shape == Shape.VECTOR && (dimension < 1 || dimension > MAX_DIMENSION)) {
      throw FeatureStoreException.invalid(
          "invalid-type", "vector dimension must be 1.." + MAX_DIMENSION + ", got " + dimension);
    }
    if (shape != Shape.VECTOR && dimension != 0) {
      throw FeatureStoreException.invalid("invalid-type", "only vectors have a dimension");
    }
  }

  public static FeatureType scalar(ScalarType element) {
    return new FeatureType(element, Shape.SCALAR, 0);
  }

  public static FeatureType list(ScalarType element) {
    return new FeatureType(element, Shape.LIST, 0);
  }

  public static FeatureType vector(ScalarType element, int dimension) {
    return new FeatureType(element, Shape.VECTOR, dimension);
  }

  /** Parses {@code int64}, {@code float32[]} or {@code float32[32]}. */
  @JsonCreator
  public static FeatureType parse(String text) {
    requireNonNull(text, "type is null");
    String t = text.trim().toLowerCase(Locale.ROOT);
    int bracket = t.indexOf('[');
    String elementName = bracket < 0 ? t : t.substring(0, bracket);
    ScalarType element = parseScalar(elementName, text);
    if (bracket < 0) {
      return scalar(element);
    }
    if (!t.endsWith("]")) {
      throw badType(text);
    }
    String inside = t.substring(bracket + 1, t.length() - 1);
    if (inside.isEmpty()) {
      return list(element);
    }
    try {
      return vector(element, Integer.parseInt(inside));
    } catch (NumberFormatException e) {
      throw badType(text);
    }
  }

  private static ScalarType parseScalar(String name, String text) {
    for (ScalarType s : ScalarType.values()) {
      if (s.typeName().equals(name)) {
        return s;
      }
    }
    throw badType(text);
  }

  private static FeatureStoreException badType(String text) {
    return FeatureStoreException.invalid(
        "invalid-type",
        "unknown type '" + text + "': use one of bool, int32, int64, float32, float64, string, bytes,"
            + " timestamp, a numeric list such as float32[] or a vector such as float32[32]");
  }

  public boolean isScalar() {
    return shape == Shape.SCALAR;
  }

  @JsonValue
  @Override
  public String toString() {
    return switch (shape) {
      case SCALAR -> element.typeName();
      case LIST -> element.typeName() + "[]";
      case VECTOR -> element.typeName() + "[" + dimension + "]";
    };
  }
}
