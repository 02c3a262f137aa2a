package io.featurestore.format.write;

import io.featurestore.api.manifest.ShardBlock;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Encodes the rows of one shard in one file format into the shard's {@link ShardOutput}. The
 * {@link ShardedWriter} decides which rows go to which shard and when a shard ends; an encoder only
 * writes bytes. Not thread-safe.
 */
public interface ShardEncoder {
  /** Opens the encoder of a new shard. */
  @FunctionalInterface
  interface Factory {
    ShardEncoder open(ShardOutput output) throws IOException;
  }

  /**
   * Encodes rows {@code [from, to)} of a validated batch whose vectors are in schema order with the
   * Arrow types of {@link io.featurestore.format.arrow.ArrowSchemas} (timestamps of any unit).
   */
  void write(VectorSchemaRoot batch, int from, int to) throws IOException;

  /** Writes what ends the shard (a footer, a last block) and returns its blocks (TFRecord) or nothing. */
  List<ShardBlock> finish() throws IOException;

  /** Releases what the encoder holds, after a failure; never throws. */
  void abort();
}
