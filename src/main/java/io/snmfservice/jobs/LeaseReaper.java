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
  /** Whether the last run failed (e.g. database unreachable); one log line per run of failures. */
  private volatile boolean failing;

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
      if (failing) {
        log.info("Lease reaper works again");
        failing = false;
      }
      if (reaped > 0) {
        log.info("Reaped {} job(s) whose lease expired", reaped);
      }
      return reaped;
    } catch (RuntimeException e) {
      if (!failing) {
        log.warn("Lease reaper failed, retrying every {}: {}", interval, e.toString());
      }
      failing = true;
      return 0;
    }
  }
}
