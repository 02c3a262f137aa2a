package io.featurestore.server.ingest;

import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.format.arrow.ArrowSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/** Arrow IPC stream bodies of the {@link IngestApiTest#SCHEMA} feature set with deterministic rows. */
final class ArrowUploads {
  static final long T0_MICROS = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z

  private ArrowUploads() {}

  /** Rows {@code first .. first+count-1}, in batches of {@code batchRows}. */
  static byte[] rows(FeatureSetSchema schema, long first, int count, int batchRows) {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
      writer.start();
      for (int done = 0; done < count; done += batchRows) {
        int n = Math.min(batchRows, count - done);
        root.allocateNew();
        for (int i = 0; i < n; i++) {
          long row = first + done + i;
          ((BigIntVector) root.getVector("user_id")).setSafe(i, row);
          ((TimeStampMicroTZVector) root.getVector("event_time")).setSafe(i, T0_MICROS + row * 1_000_000L);
          ((BigIntVector) root.getVector("clicks")).setSafe(i, row * 3);
          if (row % 5 != 0) {
            ((Float4Vector) root.getVector("ctr")).setSafe(i, row / 1000f);
            ((VarCharVector) root.getVector("country")).setSafe(i, ("c" + row % 7).getBytes(StandardCharsets.UTF_8));
          }
          FixedSizeListVector embedding = (FixedSizeListVector) root.getVector("embedding");
          for (int d = 0; d < 4; d++) {
            ((Float4Vector) embedding.getDataVector()).setSafe(i * 4 + d, row + d / 10f);
          }
          embedding.setNotNull(i);
        }
        ((FixedSizeListVector) root.getVector("embedding")).getDataVector().setValueCount(n * 4);
        root.setRowCount(n);
        writer.writeBatch();
      }
      writer.end();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An Arrow IPC stream of the root's schema and, if it has rows, one batch of it as it is. */
  static byte[] stream(VectorSchemaRoot root, DictionaryProvider dictionaries) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArrowStreamWriter writer = new ArrowStreamWriter(root, dictionaries, out)) {
      writer.start();
      if (root.getRowCount() > 0) {
        writer.writeBatch();
      }
      writer.end();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
