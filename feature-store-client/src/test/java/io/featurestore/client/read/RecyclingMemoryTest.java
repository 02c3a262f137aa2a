package io.featurestore.client.read;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

class RecyclingMemoryTest {
  private static final long MIB = 1L << 20;

  @Test
  void freedLargeBlocksAreReusedWithinCapacity() {
    try (RecyclingMemory memory = new RecyclingMemory(6 * MIB)) {
      try (RootAllocator allocator = memory.newRootAllocator()) { // fails if an Arrow upgrade hides the seam
        long address;
        try (ArrowBuf first = allocator.buffer(4 * MIB - 100)) {
          address = first.memoryAddress();
          first.setLong(0, 42);
        }
        assertThat(memory.keptBytes()).isEqualTo(4 * MIB); // Arrow rounds requests below 16 MiB to powers of two
        try (ArrowBuf second = allocator.buffer(4 * MIB - 7)) {
          assertThat(second.memoryAddress()).isEqualTo(address);
          assertThat(memory.keptBytes()).isZero();
          assertThat(allocator.getAllocatedMemory()).isEqualTo(4 * MIB);
        }
        try (ArrowBuf large = allocator.buffer(20 * MIB + 5)) {
          assertThat(allocator.getAllocatedMemory()).isEqualTo(20 * MIB + 5);
        }
        assertThat(memory.keptBytes()).as("a block beyond the capacity is freed").isEqualTo(4 * MIB);
        try (ArrowBuf a = allocator.buffer(4 * MIB); ArrowBuf b = allocator.buffer(4 * MIB)) {
          assertThat(a.memoryAddress()).isNotEqualTo(b.memoryAddress());
        }
        assertThat(memory.keptBytes()).as("one of the two blocks exceeds the capacity").isEqualTo(4 * MIB);
        try (ArrowBuf small = allocator.buffer(4096)) {
          small.setInt(0, 1);
        }
        assertThat(memory.keptBytes()).as("small blocks are left to the C allocator").isEqualTo(4 * MIB);
        assertThat(allocator.getAllocatedMemory()).isZero();
      }
    }
  }

  @Test
  void blocksOfAlikeSizesShareASizeClass() {
    try (RecyclingMemory memory = new RecyclingMemory(64 * MIB); RootAllocator allocator = memory.newRootAllocator()) {
      long address;
      try (ArrowBuf unit = allocator.buffer(37 * MIB + 12_345)) { // one row group's embedding values
        address = unit.memoryAddress();
      }
      assertThat(memory.keptBytes()).isEqualTo(40 * MIB);
      try (ArrowBuf next = allocator.buffer(39 * MIB + 999)) { // the next row group's, a few rows more
        assertThat(next.memoryAddress()).isEqualTo(address);
        assertThat(allocator.getAllocatedMemory()).as("Arrow accounts the size asked for").isEqualTo(39 * MIB + 999);
      }
    }
  }
}
