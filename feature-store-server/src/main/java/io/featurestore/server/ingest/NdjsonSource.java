package io.featurestore.server.ingest;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.json.JsonMapper;

/**
 * A newline-delimited JSON upload: one object per row, keyed by column name. A missing key or JSON
 * null is null; unknown keys are refused. Numbers and booleans as JSON; timestamps as ISO-8601
 * strings or whole microseconds; bytes as base64 strings; lists and vectors as arrays.
 */
final class NdjsonSource implements BatchSource {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Longest row accepted, as a row is parsed whole: a 65,536-dim vector as text is about 1.5 MB. */
  static final int MAX_LINE_BYTES = 16 << 20;

  private final MappingIterator<JsonNode> rows;
  private final List<Column> columns;
  private final Map<String, Integer> columnIndex = new HashMap<>();
  private final RowBatchBuilder builder;
  private final int batchRows;
  private long rowsRead;

  NdjsonSource(InputStream body, FeatureSetSchema schema, BufferAllocator allocator, int batchRows) {
    this.columns = schema.columns();
    for (int c = 0; c < columns.size(); c++) {
      columnIndex.put(columns.get(c).name(), c);
    }
    this.builder = new RowBatchBuilder(schema, allocator);
    this.batchRows = batchRows;
    this.rows = JSON.readerFor(JsonNode.class).readValues(new LineLimit(body, MAX_LINE_BYTES));
  }

  @Override
  public VectorSchemaRoot next() {
    builder.reset();
    try {
      while (builder.rows() < batchRows && rows.hasNextValue()) {
        JsonNode object = rows.nextValue();
        if (!object.isObject()) {
          throw FeatureStoreException.invalid("invalid-json", "row " + rowsRead + " is not a JSON object: " + abbreviate(object));
        }
        int row = builder.newRow();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
          Integer column = columnIndex.get(field.getKey());
          if (column == null) {
            throw FeatureStoreException.invalid(
                "schema-mismatch", "row " + rowsRead + " has field '" + field.getKey() + "', which is not a column of the feature set");
          }
          if (!field.getValue().isNull()) {
            set(column, row, field.getValue());
          }
        }
        rowsRead++;
      }
    } catch (JacksonException e) {
      throw new FeatureStoreException(
          ErrorKind.INVALID_ARGUMENT, "invalid-json", "row " + rowsRead + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return builder.rows() == 0 ? null : builder.finishBatch();
  }

  private void set(int column, int row, JsonNode value) {
    FeatureType type = builder.type(column);
    try {
      if (type.isScalar()) {
        builder.set(column, row, scalar(type.element(), value));
        return;
      }
      if (!value.isArray()) {
        throw new IllegalArgumentException("expected a JSON array");
      }
      List<Object> values = new ArrayList<>(value.size());
      for (JsonNode element : value) {
        if (element.isNull()) {
          throw new IllegalArgumentException("null element at index " + values.size());
        }
        values.add(scalar(type.element(), element));
      }
      Values.checkLength(type, values.size());
      builder.setList(column, row, values);
    } catch (IllegalArgumentException e) {
      throw BatchValidator.error(rowsRead, columns.get(column), "value " + abbreviate(value) + ": " + e.getMessage());
    }
  }

  private static Object scalar(ScalarType type, JsonNode value) {
    if (value.isNumber()) {
      return Values.fromNumber(type, value.numberValue());
    }
    if (value.isBoolean()) {
      return Values.fromBoolean(type, value.booleanValue());
    }
    if (value.isString() && (type == ScalarType.STRING || type == ScalarType.BYTES || type == ScalarType.TIMESTAMP)) {
      return Values.fromText(type, value.stringValue());
    }
    throw new IllegalArgumentException("expected " + type.typeName());
  }

  private static String abbreviate(JsonNode node) {
    String text = node.toString();
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }

  @Override
  public void close() {
    rows.close();
    builder.close();
  }

  /** Fails a read once a line runs longer than the limit, before it is all in memory. */
  private static final class LineLimit extends FilterInputStream {
    private final int limit;
    private long lineBytes;

    LineLimit(InputStream in, int limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b == '\n', b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      for (int i = offset; i < offset + n; i++) {
        count(buffer[i] == '\n', 1);
      }
      return n;
    }

    private void count(boolean newline, int bytes) throws IOException {
      lineBytes = newline ? 0 : lineBytes + bytes;
      if (lineBytes > limit) {
        throw new IOException("a row is longer than " + limit + " bytes");
      }
    }
  }
}
