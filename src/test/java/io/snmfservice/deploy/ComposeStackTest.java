package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContainerEngine;
import io.snmfservice.support.ContainerTest;
import io.snmfservice.support.DashboardSession;
import io.snmfservice.support.DocsReplay;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceProcess;
import io.snmfservice.support.SideLane;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The compose stack of docker/compose.yaml as an operator starts it: the service image, PostgreSQL, the API and two
 * workers. The README's commands run against it as pasted, then the walk-through's core (register, sample,
 * factorize, browse, steer); the worker running
 * the factorization is killed midway and the other resumes it from its checkpoint; {@code down} and {@code up} keep
 * the data; health, Prometheus and the dashboard's sign-in answer through the containers. Everything binds to
 * 127.0.0.1 (host networking), on free ports.
 */
@ContainerTest
@SlowTest
@SideLane
class ComposeStackTest {

  private static final Logger log = LoggerFactory.getLogger(ComposeStackTest.class);
  private static final Path COMPOSE_FILE = Path.of("docker", "compose.yaml");
  private static final Duration START = Duration.ofMinutes(10);
  /** Long enough (tens of seconds here) that the kill at iteration 50 lands well before the end. */
  private static final int ITERATIONS = 2000;
  private static final Pattern RESUMED =
      Pattern.compile("resumed its factorization from the checkpoint of iteration (\\d+)");

  @TempDir Path work;
  private final String project = "snmf-systest-" + Long.toString(System.nanoTime(), 36);
  private final Map<String, String> env = new HashMap<>();
  private Path override;
  private int apiPort;
  private int dbPort;
  private final List<Integer> workerPorts = new ArrayList<>();

  @BeforeEach
  void composeEnvironment() throws IOException {
    ContainerEngine.assumeImages(ContainerEngine.SERVICE_IMAGE, ContainerEngine.LOCAL_POSTGRES_IMAGE);
    apiPort = ServiceProcess.freePort();
    dbPort = ServiceProcess.freePort();
    workerPorts.add(ServiceProcess.freePort());
    workerPorts.add(ServiceProcess.freePort());
    env.put("SNMF_PORT", Integer.toString(apiPort));
    env.put("SNMF_WORKER_1_PORT", Integer.toString(workerPorts.get(0)));
    env.put("SNMF_WORKER_2_PORT", Integer.toString(workerPorts.get(1)));
    env.put("SNMF_DB_PORT", Integer.toString(dbPort));
    env.put("SNMF_POSTGRES_IMAGE", ContainerEngine.LOCAL_POSTGRES_IMAGE);
    env.put("SNMF_ADMIN_KEY", TestKeys.ADMIN);
    env.put("SNMF_MODELS_DIR", Path.of("..", "shared", "models").toAbsolutePath().normalize().toString());
    env.put("SNMF_WORKERS_THREADS", "1");
    // compose.yaml's JVM options and the quick start of the tests' service processes: JVMs of seconds to minutes
    env.put("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError "
        + String.join(" ", ServiceProcess.QUICK_START));
    // short leases and frequent checkpoints so that the killed worker's job moves on within seconds; a start
    // period that a loaded machine needs before compose calls the API unhealthy and refuses to start the workers
    override = work.resolve("compose.test.yaml");
    Files.writeString(override, """
        x-fast-recovery: &fast-recovery
          SNMF_WORKERS_LEASE_DURATION: 3s
          SNMF_WORKERS_HEARTBEAT_INTERVAL: 500ms
          SNMF_WORKERS_REAPER_INTERVAL: 1s
          SNMF_FACTORIZATION_CHECKPOINT_ITERATIONS: "25"
        services:
          api:
            environment: *fast-recovery
            healthcheck:
              start_period: 10m
          worker-1:
            environment: *fast-recovery
          worker-2:
            environment: *fast-recovery
        """);
  }

  @AfterEach
  void down() throws IOException {
    if (override == null) {
      return; // skipped before anything started
    }
    Path logs = Path.of("target", project + ".log");
    Files.writeString(logs, compose(Duration.ofMinutes(1), "logs", "--no-color").output());
    log.info("Compose stack logs: {}", logs.toAbsolutePath());
    compose(Duration.ofMinutes(3), "down", "--volumes", "--remove-orphans");
  }

  @Test
  void walkThroughOnTheStackSurvivesAKilledWorkerAndKeepsItsDataAcrossDownAndUp() throws Exception {
    long started = System.nanoTime();
    up();
    log.info("Compose stack ready {} s after up", (System.nanoTime() - started) / 1_000_000_000);
    Http http = new Http(apiPort);

    assertThat(new Http(apiPort, null).get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
    assertThat(http.get("/actuator/prometheus").body()).contains("jvm_memory_used_bytes");
    DashboardSession dashboard = new DashboardSession(apiPort);
    dashboard.signIn(TestKeys.ADMIN);
    assertThat(dashboard.get("/ui/jobs").statusCode()).isEqualTo(200);
    // the README's commands as pasted, against the stack (its models mounted at /models)
    DocsReplay.replay(Path.of("README.md"), work, work,
        Map.of("SNMF", "http://127.0.0.1:" + apiPort, "KEY", TestKeys.ADMIN, "MODELS", "/models"));

    long model = http.post("/v1/models", "{\"name\":\"stories260K\",\"source\":\"llama2c\","
        + "\"path\":\"/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    long sampling = http.post("/v1/datasets", "{\"name\":\"samples\",\"kind\":\"model-samples\","
        + "\"modelId\":" + model + ",\"count\":200,\"length\":31,\"seed\":3}").json().get("id").asLong();
    long dataset = Jobs.awaitSucceeded(http, sampling, Duration.ofMinutes(3)).get("result").get("datasetId").asLong();
    // the workers' containers, found before the job starts: on a quiet machine its 2,000 iterations take ~25 s, and
    // one docker-compose call takes seconds, so the running worker is looked up through docker itself
    Map<String, String> workers = new java.util.LinkedHashMap<>();
    for (String worker : List.of("worker-1", "worker-2")) {
      workers.put(worker, container(worker));
    }
    long job = http.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":1,\"k\":16,\"maxIterations\":" + ITERATIONS + ",\"patience\":" + ITERATIONS
        + ",\"contextLength\":32}").json().get("id").asLong();

    // which worker runs it is known before its iterations start, so the kill is one quick command later
    String running = Awaitility.await("a worker to start job " + job).atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200)).until(() -> workerRunning(job, workers), worker -> worker != null);
    String container = workers.get(running);
    Jobs.await(http, job, "iteration 50", j -> Jobs.iteration(j) >= 50, Duration.ofMinutes(3));
    ContainerEngine.run("docker", "kill", container);
    log.info("Killed {} while it ran job {}", running, job);

    JsonNode done = Jobs.awaitSucceeded(http, job, Duration.ofMinutes(4));
    assertThat(done.get("attempts").asInt()).isEqualTo(2);
    Matcher resumed = RESUMED.matcher(compose(Duration.ofMinutes(1), "logs", "--no-color").output());
    assertThat(resumed.find()).as("the second attempt resumed from a checkpoint").isTrue();
    assertThat(Integer.parseInt(resumed.group(1))).isBetween(25, ITERATIONS - 1);
    assertThat(count("SELECT count(*) FROM factorization WHERE job_id = " + job)).isEqualTo(1);
    long factorization = done.get("result").get("factorizationId").asLong();

    JsonNode features = http.get("/v1/factorizations/" + factorization + "/features?sort=frequency&order=desc&size=5")
        .json().get("items");
    assertThat(features).hasSize(5);
    long feature = features.get(0).get("id").asLong();
    assertThat(http.get("/v1/features/" + feature + "/top-inputs").json()).isNotEmpty();
    Http.Response steered = http.post("/v1/steer", "{\"modelId\":" + model + ",\"featureId\":" + feature
        + ",\"prompt\":\"<1> <461>\",\"alpha\":40,\"newTokens\":8}");
    assertThat(steered.status()).as(steered.body()).isEqualTo(200);
    assertThat(steered.json().get("text").asString()).isNotBlank();
    String before = http.get("/v1/factorizations/" + factorization + "/features?size=16").body();

    compose(Duration.ofMinutes(3), "down");
    compose(START, "up", "-d", "postgres", "api"); // the data is read through the API; the workers were proven above
    Awaitility.await("API ready again").atMost(START).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
        .until(() -> ready(apiPort));
    assertThat(http.get("/v1/factorizations/" + factorization + "/features?size=16").body()).isEqualTo(before);
    assertThat(http.get("/v1/jobs/" + job).json().get("status").asString()).isEqualTo("SUCCEEDED");
  }

  private void up() {
    compose(START, "up", "-d");
    Awaitility.await("API and workers ready").atMost(START).pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .until(() -> ready(apiPort) && workerPorts.stream().allMatch(ComposeStackTest::ready));
  }

  private static boolean ready(int port) {
    return new Http(port, null).get("/actuator/health/readiness").status() == 200;
  }

  /** The compose service (worker-1 or worker-2) whose log says it started the job; null while none does. */
  private static String workerRunning(long job, Map<String, String> containers) {
    Pattern started = Pattern.compile("Job " + job + " \\([a-z-]+\\) started, attempt");
    for (Map.Entry<String, String> worker : containers.entrySet()) {
      ContainerEngine.Result logs = ContainerEngine.exec(List.of("docker", "logs", worker.getValue()), Map.of(),
          Duration.ofSeconds(30));
      if (started.matcher(logs.output()).find()) {
        return worker.getKey();
      }
    }
    return null;
  }

  private String container(String service) {
    return compose(Duration.ofMinutes(1), "ps", "-q", service).output().strip();
  }

  private ContainerEngine.Result compose(Duration timeout, String... arguments) {
    List<String> command = new ArrayList<>(composeCommand());
    command.addAll(List.of("-p", project, "-f", COMPOSE_FILE.toString(), "-f", override.toString()));
    command.addAll(List.of(arguments));
    ContainerEngine.Result result = ContainerEngine.exec(command, env, timeout);
    assertThat(result.exitCode()).as(String.join(" ", command) + "\n" + result.output()).isZero();
    return result;
  }

  /** docker-compose (1.x) where installed, else the compose plugin. */
  private static List<String> composeCommand() {
    try {
      if (ContainerEngine.exec(List.of("docker-compose", "version"), Map.of(), Duration.ofSeconds(30)).exitCode() == 0) {
        return List.of("docker-compose");
      }
    } catch (UncheckedIOException e) {
      // not installed
    }
    return List.of("docker", "compose");
  }


  private long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + dbPort + "/snmf", "snmf", "snmf");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

}
