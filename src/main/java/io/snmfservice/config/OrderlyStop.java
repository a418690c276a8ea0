package io.snmfservice.config;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

/**
 * The normal stop of a service process (SIGTERM, or SIGINT from Ctrl-C): the application context is closed in order
 * (workers hand back their jobs, the API drains, the connection pool closes, the embedded database stops), one log
 * line per step, and the JVM then exits with status 0, so that neither a supervisor nor {@code mvn spring-boot:run}
 * reports a stop it asked for as a failure. A stop that takes longer than {@code snmf.shutdown-timeout} is cut
 * short: the embedded database is killed and the JVM halts with status 1.
 *
 * <p>Installed by {@code main} only: a context started inside another program (a test) keeps the JVM's handling.
 */
public final class OrderlyStop {

  private static final Logger log = LoggerFactory.getLogger(OrderlyStop.class);
  /** The bound on a stop when the setting cannot be read (no context yet). */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  static final String TIMEOUT_PROPERTY = "snmf.shutdown-timeout";

  /** What to do when a stop overruns, e.g. kill the embedded database; registered by the beans that own them. */
  private static final List<Runnable> LAST_RESORTS = new CopyOnWriteArrayList<>();
  private static final AtomicBoolean STOPPING = new AtomicBoolean();
  private static volatile ConfigurableApplicationContext context;
  /** Counted down when the run is over (ready, runners done, or failed): a stop waits for it, so no runner breaks. */
  private static final CountDownLatch RUN_ENDED = new CountDownLatch(1);

  private OrderlyStop() {}

  /** Handles SIGTERM and SIGINT for the context that {@code application} is about to run. */
  public static void install(SpringApplication application) {
    application.addInitializers(c -> context = c);
    application.addListeners(event -> {
      if (event instanceof ApplicationReadyEvent || event instanceof ApplicationFailedEvent) {
        RUN_ENDED.countDown();
      }
    });
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), OrderlyStop::signalled);
      } catch (IllegalArgumentException e) {
        // the JVM was started with -Xrs, or the signal is taken: the JVM's own handling stays
        log.debug("SIG{} keeps the JVM's handling: {}", name, e.getMessage());
      }
    }
  }

  public static void onOverrun(Runnable lastResort) {
    LAST_RESORTS.add(lastResort);
  }

  public static void removeOnOverrun(Runnable lastResort) {
    LAST_RESORTS.remove(lastResort);
  }

  private static void signalled(Signal signal) {
    if (!STOPPING.compareAndSet(false, true)) {
      return; // already stopping (e.g. mvn spring-boot:run forwards a SIGTERM 5 s after the SIGINT)
    }
    Thread stop = new Thread(() -> stop("SIG" + signal.getName()), "orderly-stop");
    // not a daemon (as the signal's thread is): the JVM must not end on its own once the context's threads are gone
    stop.setDaemon(false);
    stop.start();
  }

  private static void stop(String cause) {
    long start = System.nanoTime();
    ConfigurableApplicationContext c = context;
    Duration timeout = timeout(c);
    log.info("Stopping on {} (within {} s, {}): workers hand back their jobs, the API drains, the database stops",
        cause, timeout.toSeconds(), TIMEOUT_PROPERTY);
    Thread deadline = new Thread(() -> overrun(timeout), "orderly-stop-deadline");
    deadline.setDaemon(true);
    deadline.start();
    int status = 0;
    try {
      if (!RUN_ENDED.await(timeout.toMillis() / 2, TimeUnit.MILLISECONDS)) {
        log.warn("Still starting after {} s; stopping anyway", timeout.toSeconds() / 2);
      }
      c = context;
      if (c != null) {
        c.close(); // waits for a refresh in progress; the shutdown hook then finds it closed
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 1;
    } catch (RuntimeException e) {
      log.warn("Stop did not finish in order: {}", e.toString());
      status = 1;
    }
    log.info("Stopped in {} ms; the JVM exits", (System.nanoTime() - start) / 1_000_000);
    System.exit(status);
  }

  private static Duration timeout(ConfigurableApplicationContext c) {
    try {
      if (c != null) {
        Duration d = c.getEnvironment().getProperty(TIMEOUT_PROPERTY, Duration.class);
        if (d != null && !d.isNegative() && !d.isZero()) {
          return d;
        }
      }
    } catch (RuntimeException e) {
      log.warn("{} is not a duration ({}); using {} s", TIMEOUT_PROPERTY, e.getMessage(), DEFAULT_TIMEOUT.toSeconds());
    }
    return DEFAULT_TIMEOUT;
  }

  private static void overrun(Duration timeout) {
    try {
      Thread.sleep(timeout.toMillis());
    } catch (InterruptedException e) {
      return;
    }
    log.warn("Stop did not finish within {} s ({}); killing the embedded database and halting", timeout.toSeconds(),
        TIMEOUT_PROPERTY);
    for (Runnable lastResort : LAST_RESORTS) {
      try {
        lastResort.run();
      } catch (RuntimeException e) {
        log.warn("Could not finish a step of the stop: {}", e.toString());
      }
    }
    Runtime.getRuntime().halt(1);
  }
}
