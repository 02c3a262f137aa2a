package io.featurestore.client.read;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.client.shards.ShardSource;
import io.featurestore.storage.ForwardingObjectInput;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Another source's shards, watched: the bytes asked for, the inputs open at once, and a switch that
 * makes every open fail as an unreachable bucket would.
 */
final class ObservedShards implements ShardSource {
  private final ShardSource source;
  /** Bytes of positional reads and ranged streams requested (a ranged GET fetches them all). */
  final AtomicLong bytesRequested = new AtomicLong();
  final AtomicInteger open = new AtomicInteger();
  final AtomicInteger mostOpen = new AtomicInteger();
  final AtomicBoolean broken = new AtomicBoolean();

  ObservedShards(ShardSource source) {
    this.source = source;
  }

  @Override
  public ObjectInput open(ShardEntry shard) throws IOException {
    if (broken.get()) {
      throw new IOException("bucket gone");
    }
    ObjectInput input = source.open(shard);
    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    return new ForwardingObjectInput(input) {
      @Override
      public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
        bytesRequested.addAndGet(length);
        super.readFully(position, buffer, offset, length);
      }

      @Override
      public InputStream newStream(long position, long length) throws IOException {
        bytesRequested.addAndGet(length);
        return super.newStream(position, length);
      }

      @Override
      public void close() throws IOException {
        open.decrementAndGet();
        super.close();
      }
    };
  }

  /** Leaves the watched source open: it belongs to the test class. */
  @Override
  public void close() {}
}
