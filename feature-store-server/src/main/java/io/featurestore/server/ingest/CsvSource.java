package io.featurestore.server.ingest;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A CSV upload (RFC 4180, UTF-8): a header row naming every column of the feature set, in any
 * order, then one row per record. An empty unquoted cell is null; {@code ""} is an empty string.
 * Lists and vectors are written {@code [1.5, 2, 3]}; bytes in base64; timestamps as in {@link
 * Values#timestampMicros}.
 */
final class CsvSource implements BatchSource {
  /** Longest field accepted: a 65,536-dim vector as text is about 1.5 million characters. */
  static final int MAX_FIELD_CHARS = 16 << 20;

  private final BufferedReader reader;
  private final FeatureSetSchema schema;
  private final RowBatchBuilder builder;
  private final int batchRows;
  /** For each CSV field position, the schema column index. */
  private int[] columnOf;
  private long rowsRead;
  private long line;

  CsvSource(InputStream body, FeatureSetSchema schema, BufferAllocator allocator, int batchRows) {
    this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16);
    this.schema = schema;
    this.builder = new RowBatchBuilder(schema, allocator);
    this.batchRows = batchRows;
  }

  @Override
  public VectorSchemaRoot next() throws IOException {
    if (columnOf == null) {
      readHeader();
    }
    builder.reset();
    List<String> record;
    while (builder.rows() < batchRows && (record = readRecord()) != null) {
      if (record.size() == 1 && record.get(0) == null) {
        continue; // blank line
      }
      if (record.size() != columnOf.length) {
        throw FeatureStoreException.invalid(
            "invalid-csv",
            "row " + rowsRead + " (line " + line + ") has " + record.size() + " fields; the header has " + columnOf.length);
      }
      int row = builder.newRow();
      for (int field = 0; field < record.size(); field++) {
        String cell = record.get(field);
        if (cell != null) {
          set(columnOf[field], row, cell);
        }
      }
      rowsRead++;
    }
    return builder.rows() == 0 ? null : builder.finishBatch();
  }

  private void set(int column, int row, String cell) {
    FeatureType type = builder.type(column);
    try {
      if (type.isScalar()) {
        builder.set(column, row, Values.fromText(type.element(), cell));
        return;
      }
      String text = cell.strip();
      if (!text.startsWith("[") || !text.endsWith("]")) {
        throw new IllegalArgumentException("expected a list such as [1, 2, 3]");
      }
      String inner = text.substring(1, text.length() - 1).strip();
      List<Object> values = new ArrayList<>();
      if (!inner.isEmpty()) {
        for (String element : inner.split(",")) {
          values.add(Values.fromText(type.element(), element));
        }
      }
      Values.checkLength(type, values.size());
      builder.setList(column, row, values);
    } catch (IllegalArgumentException e) {
      throw BatchValidator.error(rowsRead, schema.columns().get(column), "value '" + abbreviate(cell) + "': " + e.getMessage());
    }
  }

  private void readHeader() throws IOException {
    List<String> header = readRecord();
    if (header == null) {
      throw FeatureStoreException.invalid("invalid-csv", "the CSV upload is empty: it needs a header row");
    }
    Map<String, Integer> byName = new HashMap<>();
    List<Column> columns = schema.columns();
    for (int c = 0; c < columns.size(); c++) {
      byName.put(columns.get(c).name(), c);
    }
    columnOf = new int[header.size()];
    for (int field = 0; field < header.size(); field++) {
      String name = header.get(field) == null ? "" : header.get(field).strip();
      Integer column = byName.remove(name);
      if (column == null) {
        throw FeatureStoreException.invalid(
            "schema-mismatch", "CSV header field '" + name + "' is not a column of the feature set (or is repeated)");
      }
      columnOf[field] = column;
    }
    if (!byName.isEmpty()) {
      throw FeatureStoreException.invalid("schema-mismatch", "the CSV header lacks columns " + byName.keySet());
    }
  }

  /** One record; null cells for empty unquoted fields; null at the end of input. */
  private List<String> readRecord() throws IOException {
    int c = reader.read();
    if (c < 0) {
      return null;
    }
    line++;
    List<String> fields = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    boolean inQuotes = false;
    while (true) {
      if (inQuotes) {
        if (c < 0) {
          throw FeatureStoreException.invalid("invalid-csv", "line " + line + ": a quoted field is not closed");
        }
        if (c == '"') {
          reader.mark(1);
          int next = reader.read();
          if (next == '"') {
            cell.append('"');
          } else {
            inQuotes = false;
            reader.reset();
          }
        } else {
          if (c == '\n') {
            line++;
          }
          cell.append((char) c);
        }
      } else if (c == '"' && cell.isEmpty() && !quoted) {
        inQuotes = true;
        quoted = true;
      } else if (c == ',' || c == '\n' || c < 0) {
        fields.add(quoted || !cell.isEmpty() ? cell.toString() : null);
        if (c != ',') {
          return fields;
        }
        cell.setLength(0);
        quoted = false;
      } else if (c != '\r') {
        cell.append((char) c);
      }
      if (cell.length() > MAX_FIELD_CHARS) {
        throw FeatureStoreException.invalid(
            "invalid-csv", "line " + line + ": a field longer than " + MAX_FIELD_CHARS + " characters (a quote not closed?)");
      }
      c = reader.read();
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }

  @Override
  public void close() {
    builder.close();
  }
}
