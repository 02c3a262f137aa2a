package io.featurestore.server.ingest;

import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * An upload decoded into Arrow batches whose vectors are in the feature set's column order, with
 * the types of {@link io.featurestore.format.arrow.ArrowSchemas} (timestamps may have any unit).
 * Values are typed but not yet checked for nulls; see {@link BatchValidator}.
 *
 * <p>The source owns the batches: one is valid until the next call to {@link #next()} or {@link
 * #close()}.
 */
interface BatchSource extends AutoCloseable {
  /** The next batch, or null at the end of the upload. */
  VectorSchemaRoot next() throws IOException;

  @Override
  void close() throws IOException;
}
