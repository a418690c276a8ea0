package io.snmfservice.config;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Housekeeping that runs with the application: {@link #runOnce} on its own daemon thread, first after
 * {@link #initialDelay}, then {@link #period} after the previous run ended. A failed run is logged in one line and
 * the next one still comes.
 */
public abstract class PeriodicTask implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

  private final String name;
  private ScheduledExecutorService scheduler;

  /** @param name the thread's name, and the task's in log lines */
  protected PeriodicTask(String name) {
    this.name = name;
  }

  protected abstract void runOnce();

  protected abstract Duration period();

  /** How long after start the first run comes: by default one {@link #period}. */
  protected Duration initialDelay() {
    return period();
  }

  /** Whether the task runs at all (a setting may turn it off). */
  protected boolean enabled() {
    return true;
  }

  @Override
  public void start() {
    if (!enabled()) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        runOnce();
      } catch (RuntimeException e) {
        log.warn("{} failed: {}", name, e.toString());
      }
    }, initialDelay().toMillis(), period().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  @Override
  public boolean isRunning() {
    return scheduler != null;
  }
}
