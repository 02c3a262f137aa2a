package io.featurestore.format.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.FeatureStoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** TFRecord framing against golden bytes, and what the reader does with damaged input. */
class TfRecordFramingTest {
  private static final HexFormat HEX = HexFormat.of();

  /*
   * Golden frames, computed independently of this code: CRC32C implemented bit by bit from the
   * reflected Castagnoli polynomial 0x82F63B78 (a few lines of Python), masked as TensorFlow's
   * crc32c::Mask does, laid out as uint64 length | uint32 masked CRC of the length | data |
   * uint32 masked CRC of the data, little-endian.
   */
  private static final String EMPTY_RECORD = "0000000000000000" + "29039807" + "" + "d8ea82a2";
  private static final String HELLO_RECORD = "0500000000000000" + "eab2043e" + "68656c6c6f" + "bb1f1c19";

  @Test
  void crc32cMatchesPublishedCheckValues() {
    assertThat(crc32c("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xE3069283);
    // RFC 3720 (iSCSI), appendix B.4.
    assertThat(crc32c(new byte[32])).isEqualTo(0x8A9136AA);
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xFF);
    assertThat(crc32c(ones)).isEqualTo(0x62A8AB43);
    byte[] ascending = new byte[32];
    for (int i = 0; i < 32; i++) {
      ascending[i] = (byte) i;
    }
    assertThat(crc32c(ascending)).isEqualTo(0x46DD794E);
    // The mask rotates right by 15 and adds a constant: of the empty input's CRC (0) it is the constant.
    assertThat(TfRecordOutput.mask(0)).isEqualTo(0xa282ead8);
    assertThat(TfRecordOutput.mask(0xE3069283)).isEqualTo(Integer.rotateRight(0xE3069283, 15) + 0xa282ead8);
  }

  @Test
  void writesGoldenFrames() throws IOException {
    assertThat(HEX.formatHex(frame(new byte[0]))).isEqualTo(EMPTY_RECORD);
    assertThat(HEX.formatHex(frame("hello".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(HELLO_RECORD);
  }

  @Test
  void readsGoldenFramesAndTheirOffsets() throws IOException {
    byte[] bytes = HEX.parseHex(HELLO_RECORD + EMPTY_RECORD + HELLO_RECORD);
    TfRecordInput input = new TfRecordInput(new ByteArrayInputStream(bytes), "shard-a", 1000);
    List<String> records = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    while (input.next()) {
      records.add(new String(input.buffer(), 0, input.length(), StandardCharsets.US_ASCII));
      offsets.add(input.recordOffset());
    }
    assertThat(records).containsExactly("hello", "", "hello");
    assertThat(offsets).containsExactly(1000L, 1021L, 1037L);
  }

  @Test
  void largeRecordsRoundTrip() throws IOException {
    byte[] big = new byte[300_000];
    new java.util.Random(1).nextBytes(big);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecordOutput records = new TfRecordOutput(out);
    records.write(new byte[] {1, 2, 3}, 0, 3);
    records.write(big, 0, big.length);
    records.write(new byte[] {4}, 0, 1);
    records.flush();
    assertThat(records.bytesWritten()).isEqualTo(out.size()).isEqualTo(3 * 16 + 3 + big.length + 1);
    TfRecordInput input = new TfRecordInput(new ByteArrayInputStream(out.toByteArray()), "big", 0);
    assertThat(input.next()).isTrue();
    assertThat(input.next()).isTrue();
    assertThat(Arrays.copyOf(input.buffer(), input.length())).isEqualTo(big);
    assertThat(input.next()).isTrue();
    assertThat(input.next()).isFalse();
  }

  @Test
  void damageIsReportedWithSourceAndOffset() {
    byte[] good = HEX.parseHex(EMPTY_RECORD + HELLO_RECORD);
    assertCorrupt(flip(good, 16 + 9), "shard-b: record at byte offset 16: length checksum mismatch");
    assertCorrupt(flip(good, 16 + 13), "shard-b: record at byte offset 16: data checksum mismatch");
    assertCorrupt(flip(good, good.length - 1), "shard-b: record at byte offset 16: data checksum mismatch");
    assertCorrupt(flip(good, 16 + 2), "shard-b: record at byte offset 16: length checksum mismatch");
    for (int cut : new int[] {16 + 5, 16 + 12, 16 + 14, good.length - 2}) {
      assertCorrupt(Arrays.copyOf(good, cut), "shard-b: record at byte offset 16: truncated");
    }
  }

  private static void assertCorrupt(byte[] bytes, String message) {
    assertThatThrownBy(() -> {
      TfRecordInput input = new TfRecordInput(new ByteArrayInputStream(bytes), "shard-b", 0);
      while (input.next()) {
        // read on
      }
    }).isInstanceOfSatisfying(FeatureStoreException.class, e -> {
      assertThat(e.code()).isEqualTo("corrupt-record");
      assertThat(e.getMessage()).startsWith(message);
    });
  }

  private static byte[] flip(byte[] bytes, int index) {
    byte[] copy = bytes.clone();
    copy[index] ^= 0x01;
    return copy;
  }

  private static byte[] frame(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecordOutput records = new TfRecordOutput(out);
    records.write(data, 0, data.length);
    records.flush();
    return out.toByteArray();
  }

  private static int crc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return (int) crc.getValue();
  }
}
