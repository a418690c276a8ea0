package io.snmfservice.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.snmfservice.SnmfServiceApplication;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.KillTest;
import io.snmfservice.support.ServiceProcess;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestKeys;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The database goes away under a running service and comes back: meanwhile the API answers 503 problem documents
 * and readiness is DOWN (liveness UP); afterwards the job that was running and the one that was queued finish with
 * exactly one result each, without anyone's help. Once with an external server the service reaches by URL (stopped
 * for longer than the job lease, so the running job is re-queued by lease expiry), once with the embedded default
 * (its postgres killed; the service's watchdog restarts it within the lease, so the job keeps running).
 */
@SlowTest
@KillTest
class DatabaseOutageTest {

  /** Longer than the lease of the external case, so the running job's lease expires while the database is down. */
  private static final Duration OUTAGE = Duration.ofSeconds(8);
  private static final String STORIES = "../shared/models/stories260K/stories260K.bin";

  @TempDir Path dir;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  @Test
  void externalDatabaseStoppedForLongerThanTheLease() throws Exception {
    Path pgData = dir.resolve("pg");
    int pgPort = ServiceProcess.freePort();
    EmbeddedPostgres[] postgres = {startPostgres(pgData, pgPort)};
    cleanup.add(() -> postgres[0].close());
    String url = "jdbc:postgresql://localhost:" + pgPort + "/postgres";
    int port = start(dir.resolve("service"), "--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
        "--spring.datasource.password=", "--snmf.workers.lease-duration=3s");
    Http http = new Http(port);
    Inputs inputs = inputs(http);
    long running = factorize(http, inputs, 600);
    long queued = collect(http, inputs);
    Jobs.await(http, running, "the factorize stage", DatabaseOutageTest::factorizing, Duration.ofMinutes(1));

    postgres[0].close();
    long downSince = System.nanoTime();
    assertUnavailable(port, running, inputs);
    // a fixed wait on purpose: the outage's length is what this case is about (nothing can be watched meanwhile,
    // the lease's expiry is in the database that is down)
    Thread.sleep(Math.max(0, (downSince + OUTAGE.toNanos() - System.nanoTime()) / 1_000_000));
    postgres[0] = startPostgres(pgData, pgPort);
    JsonNode first = Jobs.awaitSucceeded(http, running, Duration.ofMinutes(3));
    assertThat(first.get("attempts").asInt()).as("re-queued by lease expiry, then run again").isEqualTo(2);
    JsonNode second = Jobs.awaitSucceeded(http, queued, Duration.ofMinutes(1));
    assertThat(second.get("attempts").asInt()).isEqualTo(1);
    assertThat(count(url, "SELECT count(*) FROM factorization WHERE job_id = " + running)).isEqualTo(1);
    assertThat(count(url, "SELECT count(*) FROM activation_set WHERE job_id = " + queued)).isEqualTo(1);
    assertThat(new Http(port, null).get("/actuator/health/readiness").status()).isEqualTo(200);
  }

  @Test
  void embeddedDatabaseKilledIsRestartedByTheService() throws Exception {
    Path data = dir.resolve("service");
    int port = start(data, "--snmf.workers.lease-duration=15s");
    Http http = new Http(port);
    Inputs inputs = inputs(http);
    long running = factorize(http, inputs, 600);
    long queued = collect(http, inputs);
    Jobs.await(http, running, "the factorize stage", DatabaseOutageTest::factorizing, Duration.ofMinutes(1));

    long pid = postmasterPid(data.resolve("postgres"));
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    // until the watchdog has started a new postmaster, every answer is a normal one or a 503 problem document
    await("the watchdog to restart postgres").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
        .until(() -> {
          Http.Response job = http.get("/v1/jobs/" + running);
          if (job.status() != 200) {
            assertProblem(job, 503);
          }
          return restarted(data.resolve("postgres"), pid);
        });
    JsonNode first = Jobs.awaitSucceeded(http, running, Duration.ofMinutes(2));
    assertThat(first.get("attempts").asInt()).as("kept running: the lease outlived the outage").isEqualTo(1);
    assertThat(Jobs.awaitSucceeded(http, queued, Duration.ofMinutes(1)).get("attempts").asInt()).isEqualTo(1);
    String url = "jdbc:postgresql://localhost:" + postmasterLine(data.resolve("postgres"), 3) + "/postgres";
    assertThat(count(url, "SELECT count(*) FROM factorization WHERE job_id = " + running)).isEqualTo(1);
    assertThat(count(url, "SELECT count(*) FROM activation_set WHERE job_id = " + queued)).isEqualTo(1);
    assertThat(new Http(port, null).get("/actuator/health/readiness").status()).isEqualTo(200);
  }

  /** While the database is down: 503 problems with Retry-After, quickly; readiness DOWN, liveness UP. */
  private static void assertUnavailable(int port, long job, Inputs inputs) {
    Http http = new Http(port);
    long start = System.nanoTime();
    assertProblem(http.get("/v1/jobs/" + job), 503);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    // a feature read, which the read filter answers before the controllers where it can
    start = System.nanoTime();
    assertProblem(http.get("/v1/features/1"), 503);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    assertProblem(http.post("/v1/activations", "{\"modelId\":" + inputs.model() + ",\"datasetId\":"
        + inputs.dataset() + ",\"layers\":[3]}"), 503);
    Http anonymous = new Http(port, null);
    Http.Response readiness = anonymous.get("/actuator/health/readiness");
    assertThat(readiness.status()).as(readiness.body()).isEqualTo(503);
    assertThat(readiness.json().get("status").asString()).isEqualTo("DOWN");
    Http.Response liveness = anonymous.get("/actuator/health/liveness");
    assertThat(liveness.status()).as(liveness.body()).isEqualTo(200);
    assertThat(liveness.json().get("status").asString()).isEqualTo("UP");
  }

  private static void assertProblem(Http.Response response, int status) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("status").asInt()).isEqualTo(status);
    assertThat(response.json().get("detail").asString()).contains("database is unavailable");
    assertThat(response.header("Retry-After")).isNotNull();
  }

  private record Inputs(long model, long dataset) {}

  /** stories260K and 200 random token sequences of 31 tokens (a tokens dataset: no sampling job needed). */
  private static Inputs inputs(Http http) {
    String suffix = Long.toString(System.nanoTime(), 36);
    long model = http.post("/v1/models", "{\"name\":\"outage-" + suffix + "\",\"source\":\"llama2c\",\"path\":\""
        + STORIES + "\"}").json().get("id").asLong();
    Random random = new Random(11);
    StringJoiner docs = new StringJoiner(",", "[", "]");
    for (int d = 0; d < 200; d++) {
      StringJoiner ids = new StringJoiner(",", "[", "]");
      for (int t = 0; t < 31; t++) {
        ids.add(Integer.toString(3 + random.nextInt(500)));
      }
      docs.add(ids.toString());
    }
    Http.Response dataset = http.post("/v1/datasets", "{\"name\":\"outage-" + suffix + "\",\"kind\":\"tokens\","
        + "\"tokens\":" + docs + "}");
    assertThat(dataset.status()).as(dataset.body()).isEqualTo(201);
    return new Inputs(model, dataset.json().get("id").asLong());
  }

  private static long factorize(Http http, Inputs inputs, int iterations) {
    Http.Response r = http.post("/v1/factorizations", "{\"modelId\":" + inputs.model() + ",\"datasetId\":"
        + inputs.dataset() + ",\"layer\":1,\"k\":16,\"maxIterations\":" + iterations + ",\"patience\":" + iterations
        + ",\"contextLength\":32}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.json().get("id").asLong();
  }

  private static long collect(Http http, Inputs inputs) {
    Http.Response r = http.post("/v1/activations", "{\"modelId\":" + inputs.model() + ",\"datasetId\":"
        + inputs.dataset() + ",\"layers\":[2],\"contextLength\":32}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.json().get("id").asLong();
  }

  private static boolean factorizing(JsonNode job) {
    return "factorize".equals(job.get("stage").asString("")) && job.get("message").asString("").startsWith("iteration");
  }

  private static EmbeddedPostgres startPostgres(Path data, int port) throws IOException {
    return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
  }

  /** The service in this JVM with its data in {@code dataDir}, one worker thread and short leases; its port. */
  private int start(Path dataDir, String... settings) {
    List<String> args = new ArrayList<>(List.of("--server.port=0", "--snmf.data-dir=" + dataDir,
        "--snmf.security.bootstrap-admin-key=" + TestKeys.ADMIN, "--snmf.models.allowed-roots=../shared/models",
        "--snmf.workers.threads=1", "--snmf.workers.heartbeat-interval=500ms", "--snmf.workers.reaper-interval=1s",
        "--logging.level.root=warn"));
    args.addAll(List.of(settings));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(SnmfServiceApplication.class).run(args.toArray(String[]::new));
    cleanup.add(context::close);
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  private static boolean restarted(Path dataDir, long killed) {
    try {
      long pid = postmasterPid(dataDir);
      return pid != killed && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | RuntimeException e) {
      return false; // being rewritten
    }
  }

  private static long postmasterPid(Path dataDir) throws IOException {
    return Long.parseLong(postmasterLine(dataDir, 0));
  }

  /** A line of {@code postmaster.pid}: 0 the pid, 3 the port. */
  private static String postmasterLine(Path dataDir, int line) throws IOException {
    return Files.readAllLines(dataDir.resolve("postmaster.pid")).get(line).trim();
  }

  private static long count(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
