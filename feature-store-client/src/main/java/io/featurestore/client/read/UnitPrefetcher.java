package io.featurestore.client.read;

import io.featurestore.client.read.ReadPlan.Unit;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Loads units in the order they will be consumed, in parallel, ahead of the consumer, while the
 * estimated memory of loaded and unreleased units stays within a budget, and at most {@code
 * maxPending} units are loading or waiting to be taken. One unit is always allowed,
 * however large, so a budget smaller than a unit slows reading down but never blocks it; so is the
 * next unit a consumer takes while holding the units before it (a shuffle block's). Used by
 * one consumer thread.
 */
final class UnitPrefetcher implements AutoCloseable {
  private final List<Unit> sequence;
  private final UnitLoader loader;
  private final ExecutorService pool;
  private final long budget;
  private final int maxPending;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private int nextToSubmit;
  private long heldBytes;

  private record Pending(Unit unit, CompletableFuture<VectorSchemaRoot> future) {}

  /** @param maxPending most units loading or loaded and not yet taken */
  UnitPrefetcher(List<Unit> sequence, UnitLoader loader, ExecutorService pool, long budget, int maxPending) {
    this.sequence = sequence;
    this.loader = loader;
    this.pool = pool;
    this.budget = budget;
    this.maxPending = maxPending;
    fill();
  }

  /** The next unit of the sequence, waiting for it if needed. The caller closes it and calls {@link #release}. */
  VectorSchemaRoot take() {
    if (pending.isEmpty() && nextToSubmit < sequence.size()) {
      // The budget is held by units not yet released, the rest of a shuffle block taken together:
      // the block is loaded over budget (its size, the shuffle buffer, is configured too).
      submitNext();
    }
    Pending next = pending.poll();
    if (next == null) {
      throw new IllegalStateException("no more units");
    }
    try {
      return next.future().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } finally {
      fill();
    }
  }

  /** Frees the budget of a unit returned by {@link #take()} once it is no longer needed. */
  void release(Unit unit) {
    heldBytes -= unit.bytes();
    fill();
  }

  private void fill() {
    while (nextToSubmit < sequence.size()) {
      Unit unit = sequence.get(nextToSubmit);
      if ((heldBytes > 0 && heldBytes + unit.bytes() > budget) || pending.size() >= maxPending) {
        return;
      }
      submitNext();
    }
  }

  private void submitNext() {
    Unit unit = sequence.get(nextToSubmit++);
    heldBytes += unit.bytes();
    pending.add(new Pending(unit, CompletableFuture.supplyAsync(() -> loader.load(unit), pool)));
  }

  /** Waits for loads still running and frees what they loaded. */
  @Override
  public void close() {
    for (Pending p : pending) {
      try {
        p.future().join().close();
      } catch (CompletionException | CancellationException ignored) {
        // nothing was loaded
      }
    }
    pending.clear();
  }
}
