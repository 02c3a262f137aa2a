package io.featurestore.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ReadBuffersTest {
  private static final int MIB = 1 << 20;

  @Test
  void releasedBuffersAreReusedWithinCapacity() {
    ReadBuffers buffers = new ReadBuffers(10L * MIB);
    ByteBuffer first = buffers.allocate(8 * MIB);
    first.put((byte) 1);
    buffers.release(first);
    assertThat(buffers.keptBytes()).isEqualTo(8 * MIB);

    ByteBuffer again = buffers.allocate(8 * MIB);
    assertThat(again).isSameAs(first);
    assertThat(again.position()).as("cleared for the next read").isZero();
    assertThat(again.remaining()).isEqualTo(8 * MIB);
    assertThat(buffers.keptBytes()).isZero();

    ByteBuffer other = buffers.allocate(8 * MIB);
    assertThat(other).isNotSameAs(first);
    buffers.release(again);
    buffers.release(other);
    assertThat(buffers.keptBytes()).as("the second exceeds the capacity and is dropped").isEqualTo(8 * MIB);

    assertThat(buffers.allocate(3 * MIB)).as("sizes are matched exactly").isNotSameAs(first);
    ByteBuffer small = buffers.allocate(4096);
    buffers.release(small);
    assertThat(buffers.allocate(4096)).as("small buffers are left to the garbage collector").isNotSameAs(small);
  }

  @Test
  void refusesANegativeCapacity() {
    assertThatThrownBy(() -> new ReadBuffers(-1)).hasMessageContaining("-1");
  }
}
