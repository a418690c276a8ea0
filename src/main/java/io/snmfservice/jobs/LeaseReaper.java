package io.snmfservice.jobs;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Periodically re-queues (or fails) jobs whose worker stopped renewing its lease. Safe on every replica. */
public class LeaseReaper {

  private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);

  private final JobStore store;
  private final Duration interval;
  private ScheduledExecutorService scheduler;

  public LeaseReaper(JobStore store, Duration interval) {
    this.store = store;
    this.interval = interval;
  }

  public synchronized void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lease-reaper");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(this::reapOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  public int reapOnce() {
    try {
      int reaped = store.reapExpiredLeases();
      if (reaped > 0) {
        log.info("Reaped {} job(s) whose lease expired", reaped);
      }
      return reaped;
    } catch (RuntimeException e) {
      log.warn("Lease reaper failed: {}", e.toString());
      return 0;
    }
  }
}
