package io.featurestore.client.read;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a read stands: after {@code position} samples of epoch {@code epoch} of this worker's part.
 * Save it with a training checkpoint ({@link #encode()} is a short string) and pass it to {@link
 * SnapshotStream}'s resume to get exactly the samples not yet delivered, no more and no fewer.
 *
 * @param snapshotId the snapshot being read
 * @param orderKey the options that decide the order; a resume with different ones is refused
 * @param epoch current epoch, from 0
 * @param position samples of this worker delivered in the epoch
 */
public record ReaderState(String snapshotId, String orderKey, int epoch, long position) implements Serializable {
  public ReaderState {
    requireNonNull(snapshotId, "snapshotId is null");
    requireNonNull(orderKey, "orderKey is null");
    if (epoch < 0 || position < 0) {
      throw new IllegalArgumentException("epoch and position must not be negative: " + epoch + ", " + position);
    }
  }

  /** A compact, URL-safe string holding the state. */
  public String encode() {
    String text = "1|" + snapshotId + "|" + epoch + "|" + position + "|" + orderKey;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a string made by {@link #encode()}. */
  public static ReaderState decode(String encoded) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8).split("\\|", 5);
      if (parts.length != 5 || !parts[0].equals("1")) {
        throw new IllegalArgumentException("unknown layout");
      }
      return new ReaderState(parts[1], parts[4], Integer.parseInt(parts[2]), Long.parseLong(parts[3]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a reader state: '" + encoded + "' (" + e.getMessage() + ")", e);
    }
  }
}
