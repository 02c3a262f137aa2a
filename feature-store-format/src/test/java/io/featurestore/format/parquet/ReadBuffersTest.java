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

    assertThat(buffers.allocate(3 * MIB)).as("another size class").isNotSameAs(first);
    ByteBuffer small = buffers.allocate(4096);
    buffers.release(small);
    assertThat(buffers.allocate(4096)).as("small buffers are left to the garbage collector").isNotSameAs(small);
  }

  @Test
  void buffersOfAlikeSizesShareASizeClass() {
    ReadBuffers buffers = new ReadBuffers(64L * MIB);
    ByteBuffer remainder = buffers.allocate(5 * MIB + 123); // a row group's last chunk
    assertThat(remainder.capacity()).isEqualTo(6 * MIB);
    assertThat(remainder.remaining()).as("parquet-java reads up to the limit").isEqualTo(5 * MIB + 123);
    buffers.release(remainder);
    assertThat(buffers.keptBytes()).isEqualTo(6 * MIB);
    ByteBuffer next = buffers.allocate(6 * MIB - 7); // the next row group's, a little longer
    assertThat(next).isSameAs(remainder);
    assertThat(next.remaining()).isEqualTo(6 * MIB - 7);
  }

  @Test
  void sizeClassesAreQuartersOfPowersOfTwo() {
    assertThat(SizeClasses.sizeClass(MIB)).isEqualTo(MIB);
    assertThat(SizeClasses.sizeClass(MIB + 1)).isEqualTo(MIB + MIB / 4);
    assertThat(SizeClasses.sizeClass(32L * MIB + 1)).isEqualTo(40L * MIB);
    assertThat(SizeClasses.sizeClass(40L * MIB)).isEqualTo(40L * MIB);
    assertThat(SizeClasses.sizeClass(56L * MIB + 1)).isEqualTo(64L * MIB);
  }

  @Test
  void refusesANegativeCapacity() {
    assertThatThrownBy(() -> new ReadBuffers(-1)).hasMessageContaining("-1");
  }
}
