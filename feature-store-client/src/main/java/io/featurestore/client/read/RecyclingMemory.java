package io.featurestore.client.read;

import io.featurestore.format.parquet.SizeClasses;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.unsafe.UnsafeAllocationManager;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Off-heap memory for Arrow that keeps freed large blocks for the next allocation of the same size
 * class instead of handing them back to the C allocator. A stream decodes every unit (a 64 MiB row
 * group) into fresh buffers of about the same sizes; glibc serves blocks that large with {@code
 * mmap} and returns them with {@code munmap}, so without recycling every unit is faulted into memory
 * page by page again. Measured: about twice the read throughput per CPU-second
 * ({@code docs/benchmarks.md}).
 *
 * <p>Blocks of at least 1 MiB are recycled by size class: the next of 1, 1.25, 1.5 or 1.75 times a
 * power of two. Units differ a little in rows (a shard's last row group, row groups rolled by bytes),
 * so exact sizes would rarely meet again; a class wastes at most a fifth of a block's address space,
 * and only pages that are written take memory. At most {@code capacity} bytes of freed blocks are
 * kept, so memory stays bounded by configuration. Thread-safe. {@link
 * #close()} frees the kept blocks once the allocators using this memory are closed.
 */
public final class RecyclingMemory implements AllocationManager.Factory, AutoCloseable {
  private static final long MIB = 1L << 20;

  private final long capacity;
  private final Map<Long, ConcurrentLinkedDeque<Long>> free = new ConcurrentHashMap<>();
  private final AtomicLong kept = new AtomicLong();

  /**
   * Memory for the streams of a client with this memory budget. The budget bounds the units loaded
   * ahead of the consumer; the batch being consumed and the units being decoded come on top, so the
   * Arrow memory in use peaks above it (1.35x in {@code bin/benchmark stream}). Blocks up to twice
   * the budget are kept, so a peak's blocks are not freed and faulted in again; kept blocks were in
   * use once, so the footprint grows only by blocks of size classes not asked for again.
   */
  public static RecyclingMemory forBudget(long memoryBudget) {
    return new RecyclingMemory(memoryBudget > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : memoryBudget * 2);
  }

  /** @param capacity most bytes of freed blocks kept for reuse */
  public RecyclingMemory(long capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * A root allocator drawing on this memory. Arrow keeps the allocator configuration that takes a
   * custom allocation manager package-private ({@code BaseAllocator.configBuilder()}), so it is
   * reached by reflection; {@code RecyclingMemoryTest} fails if an Arrow upgrade breaks that.
   *
   * @throws IllegalStateException if this Arrow version does not allow it
   */
  public RootAllocator newRootAllocator() {
    try {
      Class<?> base = Class.forName("org.apache.arrow.memory.BaseAllocator");
      Method configBuilder = base.getDeclaredMethod("configBuilder");
      configBuilder.setAccessible(true);
      Object builder = configBuilder.invoke(null);
      Method factory = builder.getClass().getMethod("allocationManagerFactory", AllocationManager.Factory.class);
      factory.setAccessible(true);
      factory.invoke(builder, this);
      Method build = builder.getClass().getMethod("build");
      build.setAccessible(true);
      Object config = build.invoke(builder);
      return RootAllocator.class.getConstructor(Class.forName("org.apache.arrow.memory.BaseAllocator$Config"))
          .newInstance(config);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this Arrow version does not accept a custom allocation manager", e);
    }
  }

  /** Bytes of freed blocks kept for reuse. */
  public long keptBytes() {
    return kept.get();
  }

  @Override
  public AllocationManager create(BufferAllocator accountingAllocator, long size) {
    if (size < MIB) {
      return UnsafeAllocationManager.FACTORY.create(accountingAllocator, size); // the C allocator's arenas reuse these
    }
    long rounded = SizeClasses.sizeClass(size);
    ConcurrentLinkedDeque<Long> blocks = free.get(rounded);
    Long address = blocks == null ? null : blocks.pollFirst();
    if (address == null) {
      address = MemoryUtil.allocateMemory(rounded);
    } else {
      kept.addAndGet(-rounded);
    }
    return new Block(accountingAllocator, address, size, rounded);
  }

  @Override
  public ArrowBuf empty() {
    return UnsafeAllocationManager.FACTORY.empty();
  }

  private void release(long address, long rounded) {
    if (kept.addAndGet(rounded) <= capacity) {
      free.computeIfAbsent(rounded, s -> new ConcurrentLinkedDeque<>()).addFirst(address);
    } else {
      kept.addAndGet(-rounded);
      MemoryUtil.freeMemory(address);
    }
  }

  /** Frees the kept blocks. Call it once every allocator drawing on this memory is closed. */
  @Override
  public void close() {
    for (ConcurrentLinkedDeque<Long> blocks : free.values()) {
      for (Long address = blocks.pollFirst(); address != null; address = blocks.pollFirst()) {
        MemoryUtil.freeMemory(address);
      }
    }
    kept.set(0);
  }

  /** One block: Arrow accounts its requested size; the pool knows its rounded size. */
  private final class Block extends AllocationManager {
    private final long address;
    private final long size;
    private final long rounded;

    Block(BufferAllocator accountingAllocator, long address, long size, long rounded) {
      super(accountingAllocator);
      this.address = address;
      this.size = size;
      this.rounded = rounded;
    }

    @Override
    public long getSize() {
      return size;
    }

    @Override
    protected long memoryAddress() {
      return address;
    }

    @Override
    protected void release0() {
      release(address, rounded);
    }
  }
}
