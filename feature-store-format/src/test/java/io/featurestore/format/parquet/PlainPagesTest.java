package io.featurestore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Golden vectors of the RLE / bit-packing hybrid encoding, from the Parquet format specification. */
class PlainPagesTest {
  private static int[] decode(int bitWidth, int count, int... bytes) throws IOException {
    byte[] raw = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      raw[i] = (byte) bytes[i];
    }
    return PlainPages.decodeHybrid(ByteBuffer.wrap(raw), bitWidth, count, null);
  }

  @Test
  void bitPackedRunOfTheSpecExample() throws IOException {
    // Spec (Encodings.md): 0..7 with bit width 3 pack to 10001000 11000110 11111010; header (1 group << 1) | 1.
    assertThat(decode(3, 8, 0x03, 0x88, 0xC6, 0xFA)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void rleRunsAndPaddedBitPackedGroups() throws IOException {
    // RLE: 300 times the value 1 (header 300 << 1 = 600 = 0xD8 0x04), then a bit-packed group of
    // width 1 holding 1,0,1 and padding, of which only 3 values are wanted.
    int[] levels = decode(1, 303, 0xD8, 0x04, 0x01, 0x03, 0b00000101);
    assertThat(levels).hasSize(303);
    for (int i = 0; i < 300; i++) {
      assertThat(levels[i]).isEqualTo(1);
    }
    assertThat(new int[] {levels[300], levels[301], levels[302]}).containsExactly(1, 0, 1);
  }

  @Test
  void truncatedLevelsAreAnError() {
    assertThatThrownBy(() -> decode(1, 10, 0x08, 0x01)).isInstanceOf(IOException.class); // RLE of 4, then nothing
  }
}
