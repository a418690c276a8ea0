package io.snmfservice.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link ServiceProcess} launches the service: from a jar of {@code target/classes} and the runtime dependencies,
 * with an AppCDS archive of the classes a start loads (JDK 17's dynamic archive, made once per test JVM by a training
 * start that exits when its context is refreshed, before the web server and the workers start). Starting from the
 * archive skips most class loading and verification: 7.3–7.8 s instead of 11.2–12.4 s to a healthy worker on the
 * 2-core CI machine, and the kill tests start dozens of processes. When no archive can be made, processes start from
 * {@code target/classes} without one.
 */
final class ServiceClassArchive {

  private static final Logger log = LoggerFactory.getLogger(ServiceClassArchive.class);
  private static Launch launch;

  /** Class path and JVM options of a service process. */
  record Launch(String classpath, List<String> jvmOptions) {}

  private ServiceClassArchive() {}

  static synchronized Launch launch(TestDatabase.Connection db) {
    if (launch == null) {
      launch = train(db);
    }
    return launch;
  }

  private static Launch train(TestDatabase.Connection db) {
    String dependencies = runtimeDependencies();
    try {
      Path dir = Files.createTempDirectory("service-cds");
      deleteAtExit(dir); // the archive is ~100 MB
      Path jar = dir.resolve("service.jar");
      Path archive = dir.resolve("service.jsa");
      if (run(dir.resolve("jar.log"), javaTool("jar"), "--create", "--file", jar.toString(), "-C",
          Path.of("target", "classes").toString(), ".") == 0) {
        String classpath = jar + File.pathSeparator + dependencies;
        List<String> command = new ArrayList<>(List.of(javaTool("java"), "-Xmx2g", "-Dai.djl.offline=true"));
        command.addAll(ServiceProcess.QUICK_START);
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Dspring.context.exit=onRefresh",
            "-cp", classpath, "io.snmfservice.SnmfServiceApplication"));
        command.addAll(ServiceProcess.databaseSettings(db));
        command.addAll(List.of("--snmf.data-dir=" + dir.resolve("data"),
            "--snmf.security.bootstrap-admin-key=" + TestKeys.ADMIN, "--logging.level.root=warn"));
        run(dir.resolve("training.log"), command.toArray(String[]::new));
        if (Files.exists(archive) && Files.size(archive) > 0) {
          log.info("Service processes start from a class archive ({} MB)", Files.size(archive) >> 20);
          return new Launch(classpath, List.of("-XX:SharedArchiveFile=" + archive));
        }
      }
      log.warn("No class archive for service processes (see {}); they start without one", dir);
    } catch (IOException e) {
      log.warn("No class archive for service processes ({}); they start without one", e.getMessage());
    }
    return new Launch(Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + dependencies, List.of());
  }

  private static void deleteAtExit(Path dir) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        // a temporary directory the system will clear
      }
    }));
  }

  /** The exit status, or -1 when it did not finish in time. */
  private static int run(Path log, String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (p.waitFor(3, TimeUnit.MINUTES)) {
        return p.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    p.destroyForcibly();
    return -1;
  }

  private static String javaTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  private static String runtimeDependencies() {
    Path file = Path.of("target", "runtime-classpath.txt");
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("written by maven-dependency-plugin at generate-test-resources", e);
    }
  }
}
