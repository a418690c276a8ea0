package io.snmfservice.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The service as a separate JVM on its runtime classpath only (as {@code java -jar} has it: a dependency that only
 * tests see cannot hide a startup failure), on a given database and data directory; for tests that kill it.
 */
public final class ServiceProcess implements AutoCloseable {

  /**
   * JIT settings of the processes tests start: C1 only. A test's service lives for seconds to a minute, and C2's
   * compilations were half the CPU of a start (8–10 CPU seconds of 18–20 on the 2-core CI machine), time the other
   * test lane lost; the service's work is native (libtorch, OpenBLAS) or small in tests.
   */
  public static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1");

  private final Process process;
  private final int port;
  private final Path log;

  private ServiceProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the service and waits until its health endpoint answers.
   *
   * @param settings further {@code --name=value} arguments (later ones win)
   */
  public static ServiceProcess start(TestDatabase.Connection db, Path dataDir, String logName, List<String> settings) {
    return start(db, dataDir, logName, List.of(), settings);
  }

  /** As above, with further JVM options (after the default {@code -Xmx2g}, so an {@code -Xmx} here wins). */
  public static ServiceProcess start(TestDatabase.Connection db, Path dataDir, String logName, List<String> jvmOptions,
      List<String> settings) {
    return start(db, databaseSettings(db), dataDir, dataDir.resolve(logName), jvmOptions, settings);
  }

  /**
   * Starts the service on its embedded default database (no datasource settings: it runs its own PostgreSQL under
   * {@code <dataDir>/postgres}), logging to {@code log}.
   */
  public static ServiceProcess startEmbedded(Path dataDir, Path log, List<String> settings) {
    return start(TestDatabase.get(), List.of(), dataDir, log, List.of(), settings);
  }

  /**
   * Starts the service as the README's start command does, with none of the settings above: in {@code workDir}, so
   * its data (embedded database, generated {@code data/admin.key}) lies under {@code workDir/data}, with
   * {@code environment} added to this JVM's, on a free port.
   */
  public static ServiceProcess startAsDocumented(Path workDir, Path log, Map<String, String> environment) {
    int port = freePort();
    ProcessBuilder builder = new ProcessBuilder(command(TestDatabase.get(), List.of(), port))
        .directory(workDir.toFile());
    builder.environment().putAll(environment);
    // a first start on the embedded database runs initdb too: slow on a crowded machine
    return start(builder, port, log, Duration.ofMinutes(5));
  }

  private static ServiceProcess start(TestDatabase.Connection archiveDb, List<String> databaseSettings, Path dataDir,
      Path log, List<String> jvmOptions, List<String> settings) {
    int port = freePort();
    List<String> command = command(archiveDb, jvmOptions, port);
    command.addAll(databaseSettings);
    command.addAll(List.of(
        "--snmf.data-dir=" + dataDir,
        "--snmf.security.bootstrap-admin-key=" + TestKeys.ADMIN,
        "--snmf.models.allowed-roots=../shared/models",
        "--logging.level.root=warn",
        "--logging.level.io.snmfservice=info"));
    command.addAll(settings);
    return start(new ProcessBuilder(command), port, log, Duration.ofMinutes(2));
  }

  /** java, its options, the class path and the main class, on {@code port}. */
  private static List<String> command(TestDatabase.Connection archiveDb, List<String> jvmOptions, int port) {
    // the class archive is trained once, on the test database; the embedded database's classes load as usual
    ServiceClassArchive.Launch launch = ServiceClassArchive.launch(archiveDb);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g", "-Dai.djl.offline=true"));
    command.addAll(QUICK_START);
    command.addAll(launch.jvmOptions());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", launch.classpath(), "io.snmfservice.SnmfServiceApplication", "--server.port=" + port));
    return command;
  }

  private static ServiceProcess start(ProcessBuilder builder, int port, Path log, Duration healthTimeout) {
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      ServiceProcess service = new ServiceProcess(builder.start(), port, log);
      service.awaitHealthy(healthTimeout);
      return service;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** The operating-system process id (for jcmd). */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGTERM, the normal stop, and waits for the process to exit (killing it after {@code timeout}).
   *
   * @return the exit status, or -1 if it had to be killed
   */
  public int terminate(Duration timeout) {
    process.destroy();
    try {
      if (process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    kill();
    return -1;
  }

  /** SIGKILL: no shutdown hook runs, leases are left to expire. */
  public void kill() {
    try {
      process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    kill();
  }

  private void awaitHealthy(Duration timeout) {
    Http http = new Http(port, null); // health is open; a key the service does not know would be refused
    try {
      await("the service to answer /actuator/health, see " + log).atMost(timeout).pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsInstanceOf(RuntimeException.class) // not listening yet
          .until(() -> {
            if (!process.isAlive()) {
              throw new AssertionError("service process exited, see " + log);
            }
            return http.get("/actuator/health").status() == 200;
          });
    } catch (ConditionTimeoutException e) {
      kill();
      throw e;
    }
  }

  static List<String> databaseSettings(TestDatabase.Connection db) {
    return List.of("--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.username(),
        "--spring.datasource.password=" + db.password());
  }

  /** A port nothing listens on at 127.0.0.1 now (services and containers of the tests bind there). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
