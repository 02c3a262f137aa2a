package io.featurestore.format.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.FeatureType;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.format.TestBatches;
import io.featurestore.format.arrow.ArrowSchemas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tf.train.Example} encoding: golden bytes spelled out from the protobuf wire format, and a
 * cross-check against protobuf-java, the reference implementation, with TensorFlow's field numbers.
 */
class ExampleCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  /** One row of every kind of feature: int64, timestamp, float32, string, empty list, null, bool. */
  private static final FeatureSetSchema SMALL = new FeatureSetSchema(
      List.of(Column.required("id", FeatureType.scalar(ScalarType.INT64))), "t",
      List.of(Column.required("x", FeatureType.scalar(ScalarType.FLOAT32)),
          Column.required("s", FeatureType.scalar(ScalarType.STRING)),
          Column.optional("l", FeatureType.list(ScalarType.INT64)),
          Column.optional("n", FeatureType.scalar(ScalarType.FLOAT32)),
          Column.required("b", FeatureType.scalar(ScalarType.BOOL))));

  /**
   * The Example for id = -2, t = 300 us, x = 1.5, s = "ab", l = [], n = null, b = true. Tags are
   * (field << 3 | wire type); every field here is length-delimited (type 2) except inside packed lists.
   */
  private static final String GOLDEN =
      "0a54"                                 // Example.features (1), 84 bytes
        + "0a14"                             //   Features.feature (1) map entry, 20 bytes
        + "0a026964"                         //     key (1) "id"
        + "120e" + "1a0c"                    //     value (2) Feature, 14 bytes: int64_list (3), 12 bytes
        + "0a0a" + "feffffffffffffffff01"    //       Int64List.value (1) packed, 10 bytes: varint -2 (two's complement, 10 bytes)
        + "0a0b" + "0a0174" + "1206" + "1a04" + "0a02ac02"     // "t": int64_list [300] (varint ac 02)
        + "0a0d" + "0a0178" + "1208" + "1206" + "0a040000c03f" // "x": float_list (2) [1.5f] = 0x3fc00000 little-endian
        + "0a0b" + "0a0173" + "1206" + "0a04" + "0a026162"     // "s": bytes_list (1) ["ab"]
        + "0a07" + "0a016c" + "1202" + "1a00"                  // "l": an empty int64_list is present and empty
                                                               // "n": null, so absent
        + "0a0a" + "0a0162" + "1205" + "1a03" + "0a0101";      // "b": int64_list [1]

  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    allocator.close();
  }

  @Test
  void encodesTheGoldenExample() {
    try (VectorSchemaRoot row = smallRow()) {
      ExampleEncoder encoder = new ExampleEncoder(SMALL);
      int length = encoder.encode(row, 0);
      assertThat(HEX.formatHex(encoder.buffer(), 0, length)).isEqualTo(GOLDEN);
    }
  }

  @Test
  void decodesTheGoldenExample() {
    byte[] golden = HEX.parseHex(GOLDEN);
    try (VectorSchemaRoot target = VectorSchemaRoot.create(ArrowSchemas.toArrow(SMALL), allocator)) {
      new ExampleDecoder(SMALL, List.of()).decode(golden, 0, golden.length, target, 0);
      target.setRowCount(1);
      target.getFieldVectors().forEach(v -> v.setValueCount(1));
      assertThat(((BigIntVector) target.getVector("id")).get(0)).isEqualTo(-2);
      assertThat(((TimeStampMicroTZVector) target.getVector("t")).get(0)).isEqualTo(300);
      assertThat(((Float4Vector) target.getVector("x")).get(0)).isEqualTo(1.5f);
      assertThat(target.getVector("s").getObject(0).toString()).isEqualTo("ab");
      assertThat(((ListVector) target.getVector("l")).getObject(0)).isEmpty();
      assertThat(target.getVector("n").isNull(0)).isTrue();
      assertThat(((BitVector) target.getVector("b")).get(0)).isEqualTo(1);
    }
  }

  @Test
  void encoderWritesWhatProtobufJavaWrites() {
    FeatureSetSchema schema = tfrecordTypes();
    ExampleEncoder encoder = new ExampleEncoder(schema);
    Reference reference = new Reference(true);
    try (VectorSchemaRoot all = TestBatches.allTypes(allocator, 1000, 300)) {
      VectorSchemaRoot batch = project(all, schema);
      for (int row = 0; row < batch.getRowCount(); row++) {
        byte[] expected = reference.example(schema, batch, row, false).toByteArray();
        int length = encoder.encode(batch, row);
        assertThat(HEX.formatHex(encoder.buffer(), 0, length)).as("row %d", row).isEqualTo(HEX.formatHex(expected));
      }
    }
  }

  @Test
  void decoderReadsProtobufJavaMessagesPackedOrNotInAnyEntryOrder() {
    FeatureSetSchema schema = tfrecordTypes();
    for (Reference reference : List.of(new Reference(true), new Reference(false))) {
      try (VectorSchemaRoot all = TestBatches.allTypes(allocator, 5000, 200);
          VectorSchemaRoot decoded = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator)) {
        VectorSchemaRoot batch = project(all, schema);
        ExampleDecoder decoder = new ExampleDecoder(schema, List.of());
        for (int row = 0; row < batch.getRowCount(); row++) {
          byte[] message = reference.example(schema, batch, row, true).toByteArray();
          decoder.decode(message, 0, message.length, decoded, row);
        }
        decoded.setRowCount(batch.getRowCount());
        decoded.getFieldVectors().forEach(v -> v.setValueCount(batch.getRowCount()));
        for (int c = 0; c < schema.columns().size(); c++) {
          for (int row = 0; row < batch.getRowCount(); row++) {
            assertThat(text(decoded.getVector(c).getObject(row)))
                .as("column %s row %d, packed %s", schema.columns().get(c).name(), row, reference.packed)
                .isEqualTo(text(batch.getVector(c).getObject(row)));
          }
        }
      }
    }
  }

  @Test
  void decoderReadsAProjectionAndSkipsOtherFeatures() {
    FeatureSetSchema schema = tfrecordTypes();
    try (VectorSchemaRoot all = TestBatches.allTypes(allocator, 0, 10);
        VectorSchemaRoot decoded = VectorSchemaRoot.create(
            new org.apache.arrow.vector.types.pojo.Schema(List.of(
                ArrowSchemas.toArrow(schema.columns().get(schema.columns().size() - 1)),
                ArrowSchemas.toArrow(schema.columns().get(0)))), allocator)) {
      VectorSchemaRoot batch = project(all, schema);
      ExampleEncoder encoder = new ExampleEncoder(schema);
      ExampleDecoder decoder = new ExampleDecoder(schema, List.of("embedding", "user_id"));
      for (int row = 0; row < 10; row++) {
        int length = encoder.encode(batch, row);
        decoder.decode(encoder.buffer(), 0, length, decoded, row);
      }
      decoded.getFieldVectors().forEach(v -> v.setValueCount(10));
      assertThat(((BigIntVector) decoded.getVector(1)).get(7)).isEqualTo(7);
      assertThat(decoded.getVector(0).getObject(7).toString()).isEqualTo(batch.getVector("embedding").getObject(7).toString());
    }
  }

  @Test
  void decoderNamesTheColumnOfAnExampleThatDoesNotFit() {
    // "x" holds an int64_list where the schema has float32.
    assertMalformed(GOLDEN.replace("0a0d0a01781208" + "1206", "0a0d0a01781208" + "1a06"), "column 'x' (float32) holds a int64_list");
    // "id" (required) missing: the first entry's key renamed to "ie".
    assertMalformed(GOLDEN.replace("0a026964", "0a026965"), "column 'id' (int64) is required");
    // "b" holds 2, not a bool.
    assertMalformed(GOLDEN.replace("1a030a0101", "1a030a0102"), "column 'b' (bool) holds 2");
    // "t" holds two values: its packed list ac 02 becomes the two one-byte varints 05 06.
    assertMalformed(GOLDEN.replace("0a02ac02", "0a020506"), "column 't' (timestamp) holds 2 values");
    // A length running past the end of the message.
    assertMalformed(GOLDEN.substring(0, GOLDEN.length() - 6), "a field of 84 bytes where 81 are left");
    assertMalformed("0a7f", "bytes where 0 are left");
  }

  @Test
  void vectorsNeedTheirDimensionAndInt32ItsRange() {
    FeatureSetSchema schema = new FeatureSetSchema(
        List.of(Column.required("k", FeatureType.scalar(ScalarType.INT64))), "t",
        List.of(Column.optional("v", FeatureType.vector(ScalarType.FLOAT32, 3)),
            Column.optional("i", FeatureType.scalar(ScalarType.INT32))));
    String key = "0a0a" + "0a016b" + "1205" + "1a03" + "0a0105";             // k = 5
    String time = "0a0b" + "0a0174" + "1206" + "1a04" + "0a02ac02";          // t = 300
    String twoFloats = "0a11" + "0a0176" + "120c" + "120a" + "0a08" + "0000803f" + "00000040"; // v = [1, 2]
    String tooBig = "0a0e" + "0a0169" + "1209" + "1a07" + "0a05" + "8080808010"; // i = 2^32
    assertMalformed(schema, "0a" + hexByte(12 + 13 + 19) + key + time + twoFloats, "column 'v' (float32[3]) holds 2 values, expected 3");
    assertMalformed(schema, "0a" + hexByte(12 + 13 + 16) + key + time + tooBig, "column 'i' (int32) holds 4294967296, outside int32");
  }

  @Test
  void float64IsRefusedNamingTheColumn() {
    assertThatThrownBy(() -> new ExampleEncoder(TestBatches.allTypes()))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> {
          assertThat(e.code()).isEqualTo("tfrecord-unsupported-type");
          assertThat(e.getMessage()).contains("'score'", "float64", "float32");
        });
  }

  private void assertMalformed(String hex, String message) {
    assertMalformed(SMALL, hex, message);
  }

  private void assertMalformed(FeatureSetSchema schema, String hex, String message) {
    byte[] bytes = HEX.parseHex(hex);
    try (VectorSchemaRoot target = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator)) {
      assertThatThrownBy(() -> new ExampleDecoder(schema, List.of()).decode(bytes, 0, bytes.length, target, 0))
          .isInstanceOfSatisfying(FeatureStoreException.class, e -> {
            assertThat(e.code()).isEqualTo("malformed-example");
            assertThat(e.getMessage()).contains(message);
          });
    }
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes ? Arrays.toString(bytes) : String.valueOf(value);
  }

  private static String hexByte(int value) {
    return String.format("%02x", value);
  }

  private VectorSchemaRoot smallRow() {
    VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.toArrow(SMALL), allocator);
    root.allocateNew();
    ((BigIntVector) root.getVector("id")).setSafe(0, -2);
    ((TimeStampMicroTZVector) root.getVector("t")).setSafe(0, 300);
    ((Float4Vector) root.getVector("x")).setSafe(0, 1.5f);
    ((VarCharVector) root.getVector("s")).setSafe(0, "ab".getBytes(StandardCharsets.UTF_8));
    ListVector list = (ListVector) root.getVector("l");
    list.startNewValue(0);
    list.endValue(0, 0);
    root.getVector("n").setNull(0);
    ((BitVector) root.getVector("b")).setSafe(0, 1);
    root.setRowCount(1);
    root.getFieldVectors().forEach(v -> v.setValueCount(1));
    return root;
  }

  /** {@link TestBatches#allTypes()} without float64: every type TFRecord holds. */
  private static FeatureSetSchema tfrecordTypes() {
    FeatureSetSchema all = TestBatches.allTypes();
    return new FeatureSetSchema(all.entityKeys(), all.eventTimestamp(),
        all.features().stream().filter(c -> c.type().element() != ScalarType.FLOAT64).toList());
  }

  private static VectorSchemaRoot project(VectorSchemaRoot all, FeatureSetSchema schema) {
    List<FieldVector> vectors = schema.columns().stream().map(c -> (FieldVector) all.getVector(c.name())).toList();
    return new VectorSchemaRoot(vectors.stream().map(FieldVector::getField).toList(), vectors, all.getRowCount());
  }

  /**
   * TensorFlow's example.proto and feature.proto as descriptors, built in code (no protoc), with
   * numbers packed as proto3 does or unpacked as proto2 does. Messages are built from Arrow values
   * with protobuf-java's own serializer.
   */
  private static final class Reference {
    final boolean packed;
    final Descriptor example;
    final Descriptor features;
    final Descriptor entry;
    final Descriptor feature;
    final Descriptor bytesList;
    final Descriptor floatList;
    final Descriptor int64List;
    private final Random random = new Random(3);

    Reference(boolean packed) {
      this.packed = packed;
      DescriptorProto.Builder entryType = DescriptorProto.newBuilder().setName("FeatureEntry")
          .setOptions(MessageOptions.newBuilder().setMapEntry(true))
          .addField(field("key", 1, Type.TYPE_STRING, Label.LABEL_OPTIONAL, null))
          .addField(field("value", 2, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL, ".tensorflow.Feature"));
      FileDescriptorProto file = FileDescriptorProto.newBuilder()
          .setName("example.proto").setPackage("tensorflow").setSyntax(packed ? "proto3" : "proto2")
          .addMessageType(list("BytesList", Type.TYPE_BYTES))
          .addMessageType(list("FloatList", Type.TYPE_FLOAT))
          .addMessageType(list("Int64List", Type.TYPE_INT64))
          .addMessageType(DescriptorProto.newBuilder().setName("Feature")
              .addOneofDecl(OneofDescriptorProto.newBuilder().setName("kind"))
              .addField(field("bytes_list", 1, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL, ".tensorflow.BytesList").setOneofIndex(0))
              .addField(field("float_list", 2, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL, ".tensorflow.FloatList").setOneofIndex(0))
              .addField(field("int64_list", 3, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL, ".tensorflow.Int64List").setOneofIndex(0)))
          .addMessageType(DescriptorProto.newBuilder().setName("Features").addNestedType(entryType)
              .addField(field("feature", 1, Type.TYPE_MESSAGE, Label.LABEL_REPEATED, ".tensorflow.Features.FeatureEntry")))
          .addMessageType(DescriptorProto.newBuilder().setName("Example")
              .addField(field("features", 1, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL, ".tensorflow.Features")))
          .build();
      try {
        FileDescriptor descriptor = FileDescriptor.buildFrom(file, new FileDescriptor[0]);
        example = descriptor.findMessageTypeByName("Example");
        features = descriptor.findMessageTypeByName("Features");
        entry = features.findNestedTypeByName("FeatureEntry");
        feature = descriptor.findMessageTypeByName("Feature");
        bytesList = descriptor.findMessageTypeByName("BytesList");
        floatList = descriptor.findMessageTypeByName("FloatList");
        int64List = descriptor.findMessageTypeByName("Int64List");
      } catch (com.google.protobuf.Descriptors.DescriptorValidationException e) {
        throw new IllegalStateException(e);
      }
    }

    private static DescriptorProto.Builder list(String name, Type type) {
      return DescriptorProto.newBuilder().setName(name).addField(field("value", 1, type, Label.LABEL_REPEATED, null));
    }

    private static FieldDescriptorProto.Builder field(String name, int number, Type type, Label label, String typeName) {
      FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type).setLabel(label);
      return typeName == null ? field : field.setTypeName(typeName);
    }

    /** The row as an Example; {@code shuffle} puts the map entries in random order. */
    DynamicMessage example(FeatureSetSchema schema, VectorSchemaRoot batch, int row, boolean shuffle) {
      List<DynamicMessage> entries = new ArrayList<>();
      for (int c = 0; c < schema.columns().size(); c++) {
        FieldVector vector = batch.getVector(c);
        if (vector.isNull(row)) {
          continue;
        }
        entries.add(DynamicMessage.newBuilder(entry)
            .setField(entry.findFieldByName("key"), schema.columns().get(c).name())
            .setField(entry.findFieldByName("value"), feature(schema.columns().get(c), vector, row))
            .build());
      }
      if (shuffle) {
        Collections.shuffle(entries, random);
      }
      DynamicMessage.Builder featureMap = DynamicMessage.newBuilder(features);
      entries.forEach(e -> featureMap.addRepeatedField(features.findFieldByName("feature"), e));
      return DynamicMessage.newBuilder(example).setField(example.findFieldByName("features"), featureMap.build()).build();
    }

    private DynamicMessage feature(Column column, FieldVector vector, int row) {
      Object value = vector.getObject(row);
      List<?> values = value instanceof List<?> list ? list : List.of(value);
      ScalarType type = column.type().element();
      Descriptor listType = switch (type) {
        case STRING, BYTES -> bytesList;
        case FLOAT32 -> floatList;
        default -> int64List;
      };
      DynamicMessage.Builder list = DynamicMessage.newBuilder(listType);
      for (Object v : values) {
        Object protoValue = switch (type) {
          case STRING -> ByteString.copyFromUtf8(v.toString());
          case BYTES -> ByteString.copyFrom((byte[]) v);
          case FLOAT32 -> v;
          case BOOL -> ((Boolean) v) ? 1L : 0L;
          case TIMESTAMP -> ((TimeStampMicroTZVector) vector).get(row);
          default -> ((Number) v).longValue();
        };
        list.addRepeatedField(listType.findFieldByName("value"), protoValue);
      }
      String kind = listType == bytesList ? "bytes_list" : listType == floatList ? "float_list" : "int64_list";
      return DynamicMessage.newBuilder(feature).setField(feature.findFieldByName(kind), list.build()).build();
    }
  }
}
