package io.snmfservice.web;

import java.util.concurrent.Semaphore;

/**
 * The request-body bytes one replica may hold at once ({@code snmf.web.max-body-bytes-in-flight}): each body takes
 * what it declares before it is read, and gives it back when its request ends. Counted in KiB so that a semaphore
 * holds it; small bodies are free, since the thread pool already bounds them.
 */
final class BodyBudget {

  static final long FREE_BELOW_BYTES = 64 * 1024;

  private final Semaphore kib;
  private final int totalKib;

  BodyBudget(long bytes) {
    this.totalKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, bytes / 1024));
    this.kib = new Semaphore(totalKib);
  }

  /** Takes room for a body of {@code bytes}; returns what to give back later, or -1 when there is none now. */
  int tryTake(long bytes) {
    if (bytes < FREE_BELOW_BYTES) {
      return 0;
    }
    // a body larger than the whole budget may still run, alone
    int need = (int) Math.min(totalKib, (bytes + 1023) / 1024);
    return kib.tryAcquire(need) ? need : -1;
  }

  /** KiB taken now, for messages. */
  int takenKib() {
    return totalKib - kib.availablePermits();
  }

  int totalKib() {
    return totalKib;
  }

  void giveBack(int taken) {
    if (taken > 0) {
      kib.release(taken);
    }
  }
}
