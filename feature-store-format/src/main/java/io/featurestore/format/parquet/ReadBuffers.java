package io.featurestore.format.parquet;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.parquet.bytes.ByteBufferAllocator;

/**
 * Heap buffers for the column chunks parquet-java reads, kept when a row group is done for the next
 * one. parquet-java reads a row group's chunks at once (about 64 MiB with the server's writer) into
 * buffers of up to 8 MiB; allocated fresh for every row group, the JVM zeroes them and the kernel
 * faults their pages in again, which cost a streaming client more than a tenth of its CPU
 * ({@code docs/benchmarks.md}).
 *
 * <p>Buffers of at least 1 MiB are kept by {@link SizeClasses size class} (a row group's last chunk
 * differs in size from the next one's), at most {@code capacity} bytes of them, so the heap they
 * hold is bounded by configuration. A buffer's limit is the size asked for. Thread-safe: the readers
 * of one stream share one.
 */
public final class ReadBuffers implements ByteBufferAllocator {
  private static final int MIB = 1 << 20;

  private final long capacity;
  private final Map<Integer, ConcurrentLinkedDeque<ByteBuffer>> free = new ConcurrentHashMap<>();
  private final AtomicLong kept = new AtomicLong();

  /** @param capacity most bytes of released buffers kept for reuse */
  public ReadBuffers(long capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Bytes of released buffers kept for reuse. */
  public long keptBytes() {
    return kept.get();
  }

  @Override
  public ByteBuffer allocate(int size) {
    if (size < MIB) {
      return ByteBuffer.allocate(size);
    }
    int rounded = Math.toIntExact(SizeClasses.sizeClass(size));
    ConcurrentLinkedDeque<ByteBuffer> buffers = free.get(rounded);
    ByteBuffer buffer = buffers == null ? null : buffers.pollFirst();
    if (buffer == null) {
      return ByteBuffer.allocate(rounded).limit(size);
    }
    kept.addAndGet(-rounded);
    return buffer.clear().limit(size);
  }

  @Override
  public void release(ByteBuffer buffer) {
    int size = buffer.capacity();
    if (size < MIB || !buffer.hasArray()) {
      return;
    }
    if (kept.addAndGet(size) <= capacity) {
      free.computeIfAbsent(size, s -> new ConcurrentLinkedDeque<>()).addFirst(buffer);
    } else {
      kept.addAndGet(-size);
    }
  }

  @Override
  public boolean isDirect() {
    return false;
  }
}
