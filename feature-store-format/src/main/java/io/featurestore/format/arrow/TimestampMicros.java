package io.featurestore.format.arrow;

import io.featurestore.api.FeatureStoreException;
import java.time.Instant;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Reads an Arrow timestamp vector of any unit as UTC microseconds, so uploads from pandas (ns) or
 * Java (ms) need no conversion pass. Sub-microsecond digits are truncated toward negative infinity.
 */
public final class TimestampMicros {
  private final TimeStampVector vector;
  private final long multiply;
  private final long divide;

  private TimestampMicros(TimeStampVector vector, long multiply, long divide) {
    this.vector = vector;
    this.multiply = multiply;
    this.divide = divide;
  }

  public static TimestampMicros of(FieldVector vector) {
    if (!(vector instanceof TimeStampVector ts)) {
      throw FeatureStoreException.invalid(
          "type-mismatch", "column '" + vector.getName() + "' must be a timestamp, got " + vector.getField().getType());
    }
    ArrowType.Timestamp type = (ArrowType.Timestamp) ts.getField().getType();
    return switch (type.getUnit()) {
      case SECOND -> new TimestampMicros(ts, 1_000_000, 1);
      case MILLISECOND -> new TimestampMicros(ts, 1_000, 1);
      case MICROSECOND -> new TimestampMicros(ts, 1, 1);
      case NANOSECOND -> new TimestampMicros(ts, 1, 1_000);
    };
  }

  public boolean isNull(int row) {
    return vector.isNull(row);
  }

  /** @throws ArithmeticException if a second or millisecond value is beyond the range of microseconds */
  public long get(int row) {
    long raw = vector.get(row);
    return divide == 1 ? Math.multiplyExact(raw, multiply) : Math.floorDiv(raw, divide);
  }

  /** Whether {@link #get} can overflow: seconds and milliseconds reach beyond what microseconds can hold. */
  public boolean widens() {
    return multiply > 1;
  }

  /** An instant as microseconds since the epoch (sub-microsecond digits dropped); throws on overflow. */
  public static long fromInstant(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  /** Microseconds since the epoch as an instant. */
  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }
}
