package io.snmfservice.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.SnmfServiceApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Service processes of their own (for tests that kill one with SIGKILL), on a database and data directory the
 * test owns, with short leases so a killed worker's jobs come back quickly. They run on the runtime classpath
 * only, as {@code java -jar} would: a dependency that only tests see makes the service fail to start here.
 */
public final class ServiceProcesses implements AutoCloseable {

  private final TestDatabase.Connection db;
  private final Path dataDir;
  private final int port;
  private final List<Process> processes = new ArrayList<>();

  public ServiceProcesses(TestDatabase.Connection db, Path dataDir) {
    this.db = db;
    this.dataDir = dataDir;
    this.port = freePort();
  }

  public int port() {
    return port;
  }

  public Path log() {
    return dataDir.resolve("service.log");
  }

  /** Starts a service process and waits until it is healthy. */
  public Process start(String... extraArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g", "-Dai.djl.offline=true",
        "-cp", runtimeClasspath(),
        SnmfServiceApplication.class.getName(),
        "--server.port=" + port,
        "--spring.datasource.url=" + db.url(),
        "--spring.datasource.username=" + db.username(),
        "--spring.datasource.password=" + db.password(),
        "--snmf.data-dir=" + dataDir,
        "--snmf.security.bootstrap-admin-key=" + TestKeys.ADMIN,
        "--snmf.models.allowed-roots=../shared/models",
        "--snmf.workers.lease-duration=3s",
        "--snmf.workers.heartbeat-interval=500ms",
        "--snmf.workers.reaper-interval=1s",
        "--logging.level.root=warn",
        "--logging.level.io.snmfservice=info"));
    command.addAll(List.of(extraArgs));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
    Process process = builder.start();
    processes.add(process);
    Http http = new Http(port);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("service process exited, see " + log()).isTrue();
      try {
        if (http.get("/actuator/health").status() == 200) {
          return process;
        }
      } catch (RuntimeException e) {
        // not listening yet
      }
      sleep(200);
    }
    throw new AssertionError("service did not become healthy");
  }

  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
  }

  private static String runtimeClasspath() throws IOException {
    Path file = Path.of("target", "runtime-classpath.txt");
    assertThat(file).as("written by maven-dependency-plugin at generate-test-resources").exists();
    return Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator + Files.readString(file).strip();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
