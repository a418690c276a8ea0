package io.snmfservice.compute;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The process's one compute budget. BLAS and libtorch size their thread pools to all cores, as if each heavy stage
 * (recording activations, SNMF) ran alone; two at once on the same cores only slow each other down. So heavy
 * stages are admitted {@code snmf.budget.heavy-stages} at a time (default 1), first come first served, and each
 * runs with all threads; light work (tokenizing, interpretation, writing results) is not held back.
 */
public final class ComputeBudget {

  private final Semaphore permits;

  public ComputeBudget(int heavyStages) {
    this.permits = new Semaphore(heavyStages, true);
  }

  /** Held while a heavy stage runs; close it when the stage ends. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Waits for a place, calling {@code whileWaiting} now and then (where a job checks for cancellation, which may
   * throw) and telling {@code waiting} once how many stages are ahead.
   */
  public Permit acquire(Runnable whileWaiting, Consumer<String> waiting) {
    if (!permits.tryAcquire()) {
      waiting.accept("waiting for compute: " + (permits.getQueueLength() + 1) + " heavy stage(s) running or queued");
      try {
        while (!permits.tryAcquire(200, TimeUnit.MILLISECONDS)) {
          whileWaiting.run();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for compute", e);
      }
    }
    boolean[] released = {false};
    return () -> {
      if (!released[0]) {
        released[0] = true;
        permits.release();
      }
    };
  }
}
