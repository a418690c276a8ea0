package io.snmfservice.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.KillTest;
import io.snmfservice.support.ServiceProcess;
import io.snmfservice.support.SideLane;
import io.snmfservice.support.SlowTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The normal stop of a service on its embedded default database (issue #29): a process stopped with SIGTERM, idle or
 * with a job running, exits with status 0 in order (jobs handed back, database stopped last), leaves no process on
 * its data directory, logs no stack trace, and the next start finds no orphaned database; every job started on the
 * way succeeds exactly once.
 */
@SlowTest
@KillTest
@SideLane
class CleanStopTest {

  private static final Logger log = LoggerFactory.getLogger(CleanStopTest.class);
  /** 20 as the issue asks; fewer with -Dclean-stop.stops=N on a crowded machine. */
  private static final int STOPS = Integer.getInteger("clean-stop.stops", 20);
  /** Stops made while a job runs: every third one. */
  private static final int JOB_EVERY = 3;
  /** A bound well under snmf.shutdown-timeout, which would end the process with status 1. */
  private static final Duration STOP_BOUND = Duration.ofSeconds(30);
  private static final Pattern STOPPED = Pattern.compile("Stopped in (\\d+) ms; the JVM exits");

  /** Kept when the test fails, with the services' logs. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp;
  private ServiceProcess current;

  @AfterEach
  void killLeftover() {
    if (current != null) {
      current.kill();
    }
  }

  @Test
  void twentyStopsWithSigtermLeaveNoDatabaseBehindAndEveryJobEndsOnce() throws IOException {
    Path dataDir = tmp.resolve("data");
    List<Long> jobs = new ArrayList<>();
    List<Long> stopMillis = new ArrayList<>();
    List<Long> startMillis = new ArrayList<>();
    long model = -1;
    for (int i = 0; i < STOPS; i++) {
      Path serviceLog = tmp.resolve("service-" + i + ".log");
      long started = System.nanoTime();
      current = ServiceProcess.startEmbedded(dataDir, serviceLog, List.of());
      startMillis.add((System.nanoTime() - started) / 1_000_000);
      Http http = new Http(current.port());
      if (model < 0) {
        model = http.post("/v1/models", "{\"name\":\"stop\",\"source\":\"llama2c\","
            + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
      }
      if (i % JOB_EVERY == 1) {
        // a few seconds of sampling, stopped while it reports progress
        Http.Response created = http.post("/v1/datasets", "{\"name\":\"stop-" + i + "\",\"kind\":\"model-samples\","
            + "\"modelId\":" + model + ",\"count\":192,\"length\":31,\"seed\":" + i + "}");
        assertThat(created.status()).as(created.body()).isBetween(200, 299);
        long job = created.json().get("id").asLong();
        jobs.add(job);
        Jobs.await(http, job, "progress", j -> "RUNNING".equals(j.get("status").asString())
            && j.get("progress").asDouble() > 0, Duration.ofMinutes(1));
      }
      long start = System.nanoTime();
      int status = current.terminate(STOP_BOUND);
      long millis = (System.nanoTime() - start) / 1_000_000;
      stopMillis.add(millis);
      String output = Files.readString(serviceLog);
      assertThat(status).as("exit status of stop %d, see %s", i, serviceLog).isZero();
      assertThat(holdersOf(dataDir)).as("processes with the data directory open after stop %d", i).isEmpty();
      assertThat(dataDir.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
      assertCleanLog(output, serviceLog);
      assertThat(output).as("the stop's last line in %s", serviceLog).containsPattern(STOPPED);
    }
    log.info("{} stops with SIGTERM ({} with a job running) took {} ms; the starts before them {} ms", STOPS,
        jobs.size(), stopMillis, startMillis);

    Path lastLog = tmp.resolve("service-last.log");
    current = ServiceProcess.startEmbedded(dataDir, lastLog, List.of());
    Http http = new Http(current.port());
    for (long job : jobs) {
      JsonNode done = Jobs.awaitSucceeded(http, job, Duration.ofMinutes(2));
      // a job handed back gives its attempt back; one whose lease had expired instead would count two
      assertThat(done.get("attempts").asInt()).as(done.toString()).isEqualTo(1);
    }
    assertThat(http.get("/v1/datasets?size=100").json().get("total").asLong())
        .as("one dataset per job: none finished twice").isEqualTo(jobs.size());
    assertThat(current.terminate(STOP_BOUND)).isZero();
    assertCleanLog(Files.readString(lastLog), lastLog);
    for (long job : jobs) {
      assertThat(succeededLines(job)).as("job %d succeeded once", job).isEqualTo(1);
    }
    current = null;
  }

  /**
   * No orphan found at start, no restart of the database, no stack trace; from the stop on, nothing above INFO (a
   * start may warn about the machine, e.g. a CUDA driver it cannot use).
   */
  private static void assertCleanLog(String output, Path file) {
    assertThat(output).as(file.toString())
        .doesNotContain("orphaned embedded PostgreSQL")
        .doesNotContain("is not running; restarting it")
        .doesNotContainPattern("(?m)^\\s+at ")
        .contains("Stopping on SIGTERM");
    String stop = output.substring(output.indexOf("Stopping on SIGTERM"));
    assertThat(stop).as(file.toString())
        .doesNotContain("Exception")
        .doesNotContain(" WARN ")
        .doesNotContain(" ERROR ");
  }

  private long succeededLines(long job) throws IOException {
    Pattern succeeded = Pattern.compile("Job " + job + " \\(sample-dataset\\) succeeded");
    long n = 0;
    try (Stream<Path> logs = Files.list(tmp)) {
      for (Path p : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        Matcher m = succeeded.matcher(Files.readString(p));
        while (m.find()) {
          n++;
        }
      }
    }
    return n;
  }

  /** Processes (other than this one) whose command line names the data directory or that hold a file in it. */
  static List<String> holdersOf(Path dataDir) throws IOException {
    String dir = dataDir.toRealPath().toString();
    long self = ProcessHandle.current().pid();
    List<String> holders = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        if (Long.parseLong(proc.getFileName().toString()) == self) {
          continue;
        }
        try {
          String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
          if (cmdline.contains(dir + "/") || cmdline.contains(dir + " ")) {
            holders.add(proc.getFileName() + ": " + cmdline);
            continue;
          }
          try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : fds.toList()) {
              try {
                if (Files.readSymbolicLink(fd).toString().startsWith(dir + "/")) {
                  holders.add(proc.getFileName() + " holds " + Files.readSymbolicLink(fd) + ": " + cmdline);
                  break;
                }
              } catch (IOException e) {
                // closed meanwhile
              }
            }
          }
        } catch (IOException | SecurityException e) {
          // exited meanwhile, or not ours to read
        }
      }
    }
    return holders;
  }
}
