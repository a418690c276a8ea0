package io.snmfservice.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.snmfservice.activations.store.StoreDirectory;
import io.snmfservice.snmf.CancellationSignal;
import io.snmfservice.snmf.OpenBlasCoreCheck;
import io.snmfservice.snmf.PlantedFeatures;
import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfResult;
import io.snmfservice.support.ContainerEngine;
import io.snmfservice.support.ContainerTest;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceProcess;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.SparkTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The service's Spark path against a Spark standalone cluster in containers of the service image (issue #25): a
 * master and two workers (one core each) from /opt/snmf-spark, host networking with everything bound to 127.0.0.1,
 * the test's data directory mounted at the same path so that executors read the activation files and write g.bin
 * where the service expects them. The driver runs on the host, in this test's service. Containers are removed after.
 */
@ServiceTest
@ContainerTest
@SparkTest
@SlowTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestPropertySource(properties = "snmf.test.data-dir=${java.io.tmpdir}/snmf-spark-cluster-test")
class SparkStandaloneContainersTest {

  private static final Path STORIES = Path.of("../shared/models/stories260K/stories260K.bin");
  private static final String IMAGE = ContainerEngine.SERVICE_IMAGE;
  private static final String SUFFIX = Long.toString(System.nanoTime(), 36);
  private static final String MASTER = "snmf-spark-master-" + SUFFIX;
  private static final List<String> WORKERS = List.of("snmf-spark-worker1-" + SUFFIX, "snmf-spark-worker2-" + SUFFIX);
  private static final int MASTER_PORT = ServiceProcess.freePort();
  private static final List<String> started = new ArrayList<>();
  private static long clusterStart;
  private static boolean registered;

  /** The service's data directory (see @TestPropertySource), mounted at the same path in the containers. */
  private static final Path DATA = freshDirectory(Path.of(System.getProperty("java.io.tmpdir"),
      "snmf-spark-cluster-test").toAbsolutePath());

  @DynamicPropertySource
  static void sparkCluster(DynamicPropertyRegistry registry) {
    // the containers start while the service's context starts (each takes minutes on a loaded machine)
    if (ContainerEngine.imagePresent(IMAGE)) {
      startCluster();
    }
    registry.add("snmf.spark.master", () -> "spark://127.0.0.1:" + MASTER_PORT);
    registry.add("snmf.spark.partitions", () -> "2"); // one per executor: 2 workers × 1 core
    registry.add("snmf.spark.driver-memory", () -> "1g");
    registry.add("snmf.spark.executor-memory", () -> "1g");
    // the driver runs on the host: loopback only, and no UI (it would bind every address)
    registry.add("snmf.spark.conf[spark.driver.host]", () -> "127.0.0.1");
    registry.add("snmf.spark.conf[spark.driver.bindAddress]", () -> "127.0.0.1");
    registry.add("snmf.spark.conf[spark.ui.enabled]", () -> "false");
    registry.add("snmf.spark.conf[spark.executor.cores]", () -> "1");
    registry.add("snmf.spark.conf[spark.task.cpus]", () -> "1");
    // the executors' OpenBLAS must use the kernels of this JVM's (float32 GEMM rounds differently per kernel; with
    // the kernels OpenBLAS detected in the containers the loss differed by 5e-6 after 40 iterations)
    String kernels = System.getenv(OpenBlasCoreCheck.VARIABLE);
    if (kernels != null) {
      registry.add("snmf.spark.conf[spark.executorEnv." + OpenBlasCoreCheck.VARIABLE + "]", () -> kernels);
    }
    // start with both executors (slow to start on a loaded machine), but not wait for ever for a worker that is
    // gone (the retry after the kill)
    registry.add("snmf.spark.conf[spark.scheduler.minRegisteredResourcesRatio]", () -> "1.0");
    registry.add("snmf.spark.conf[spark.scheduler.maxRegisteredResourcesWaitingTime]", () -> "45s");
  }

  @Value("${local.server.port}")
  int port;

  @Value("${snmf.data-dir}")
  Path dataDir;

  @Autowired
  SparkSnmf spark;

  @BeforeEach
  void cluster() {
    ContainerEngine.assumeImages(IMAGE);
    SparkTestSetup.localTwo(2); // fails clearly when spark/target (the application jar) was not built
    assertThat(dataDir.toAbsolutePath()).isEqualTo(DATA);
    awaitWorkers();
  }

  @AfterAll
  static void removeContainers() {
    for (String name : started) {
      ContainerEngine.exec(List.of("docker", "rm", "-f", name), Map.of(), Duration.ofMinutes(1));
    }
    StoreDirectory.deleteRecursively(DATA);
  }

  @Test
  @Order(1)
  void theClusterFactorizesAsTheEngineDoes() {
    SplittableRandom r = new SplittableRandom(3);
    double[][] dirs = new double[12][];
    for (int f = 0; f < dirs.length; f++) {
      dirs[f] = PlantedFeatures.sparseDirection(r, 96, 8);
    }
    PlantedFeatures p = PlantedFeatures.generate(dirs, 6000, 0.2, 0.01, 4);
    Path dir = DATA.resolve("spark-cluster");
    Path file = SparkSnmfEquivalenceTest.write(mkdirs(dir).resolve("planted.act"), p.columnMajor, p.d, p.n);
    SnmfConfig cfg = SnmfConfig.of(12).withSparsity(0.1).withSeed(8).withMaxIterations(40).withPatience(40)
        .withChunkColumns(500);

    long t0 = System.nanoTime();
    try (SnmfResult local = SparkSnmfEquivalenceTest.engine(file, cfg)) {
      double localSeconds = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      try (SnmfResult cluster = spark.factorize(file, cfg, dir.resolve("out"), (it, loss) -> { },
          CancellationSignal.NEVER)) {
        double clusterSeconds = (System.nanoTime() - t1) / 1e9;
        double worstLoss = 0;
        for (int t = 0; t < 40; t++) {
          worstLoss = Math.max(worstLoss, Math.abs(cluster.losses()[t] - local.losses()[t]) / local.losses()[t]);
        }
        int n = Math.toIntExact(local.g().n());
        double fDiff = SparkSnmfEquivalenceTest.relativeMaxDifference(cluster.f(), local.f());
        double gDiff = SparkSnmfEquivalenceTest.relativeMaxDifference(cluster.g().readRows(0, n),
            local.g().readRows(0, n));
        System.out.printf("Spark standalone in containers (2 workers x 1 core) vs engine in process, planted "
            + "d=96 n=6000 K=12, 40 iterations: %.1f s (submit to result) vs %.1f s; loss %.2e, F %.2e, G %.2e "
            + "(relative, worst)%n", clusterSeconds, localSeconds, worstLoss, fDiff, gDiff);
        assertThat(cluster.losses()).hasSize(40);
        assertThat(worstLoss).as("loss").isLessThanOrEqualTo(1e-6);
        assertThat(fDiff).as("F").isLessThanOrEqualTo(1e-5);
        assertThat(gDiff).as("G").isLessThanOrEqualTo(1e-5);
        assertThat(cluster.bestIteration()).isEqualTo(local.bestIteration());
      }
    }
  }

  @Test
  @Order(2)
  void aJobSucceedsWhenAWorkerIsKilledMidRun() {
    ContractClient api = new ContractClient(port);
    long model = api.post("/v1/models", "{\"name\":\"spark-cluster-" + SUFFIX + "\",\"source\":\"llama2c\","
        + "\"path\":\"" + STORIES + "\"}").json().get("id").asLong();
    long datasetJob = api.post("/v1/datasets", "{\"name\":\"spark-cluster-" + SUFFIX + "\",\"kind\":"
        + "\"model-samples\",\"modelId\":" + model + ",\"count\":200,\"length\":31,\"seed\":2}").json().get("id")
        .asLong();
    long dataset = Jobs.awaitSucceeded(api, datasetJob, Duration.ofMinutes(3)).get("result").get("datasetId")
        .asLong();
    var accepted = api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":2,\"levels\":[16],\"sparsity\":0.1,\"maxIterations\":60,\"patience\":60,"
        + "\"topInputs\":5,\"contextWindow\":3,\"contextLength\":32,\"batchSize\":64}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    long jobId = accepted.json().get("id").asLong();

    JsonNode job = awaitIteration(api, jobId);
    awaitTaskOn(WORKERS.get(1), api, jobId); // else killing it would take nothing from the application
    long killed = System.nanoTime();
    ContainerEngine.run("docker", "kill", WORKERS.get(1));
    System.out.println("Killed " + WORKERS.get(1) + " at job " + jobId + ": " + job.get("message").asString());

    List<JsonNode> seen = Jobs.awaitFinished(api, jobId, Duration.ofMinutes(4));
    JsonNode done = seen.get(seen.size() - 1);
    System.out.printf("Job %d after the kill: %s in %.1f s more, attempts %d%n", jobId,
        done.get("status").asString(), (System.nanoTime() - killed) / 1e9, done.get("attempts").asInt());
    assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    JsonNode detail = api.get("/v1/factorizations/" + done.get("result").get("factorizationId").asLong()).json();
    assertThat(detail.get("iterations").asInt()).isEqualTo(60);
    assertThat(detail.get("nTokens").asLong()).isEqualTo(200 * 31);
  }

  /** Polls the job until the Spark application reports an iteration; the application is then mid-run. */
  private static JsonNode awaitIteration(ContractClient api, long jobId) {
    try {
      return await("job " + jobId + " to report an iteration").atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> {
            JsonNode job = api.get("/v1/jobs/" + jobId).json();
            assertThat(job.get("status").asString()).as(job.toString()).isIn("QUEUED", "RUNNING");
            return job;
          }, job -> job.get("message").asString("").startsWith("iteration"));
    } catch (ConditionTimeoutException e) {
      Path sparkLog = DATA.resolve("factorizations/job-" + jobId + "-spark/spark.log");
      String log;
      try {
        log = Files.readString(sparkLog);
      } catch (IOException io) {
        log = "(no " + sparkLog + ")";
      }
      return fail("job " + jobId + " reported no iteration in 5 minutes; spark.log ends:\n"
          + log.substring(Math.max(0, log.length() - 4000)));
    }
  }

  /** Waits until the worker's executor has run a task of the application (its log says so). */
  private static void awaitTaskOn(String worker, ContractClient api, long jobId) {
    await(worker + " to run a task of job " + jobId).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          var log = ContainerEngine.exec(List.of("docker", "exec", worker, "sh", "-c",
              "cat /tmp/spark-work/*/*/stderr"), Map.of(), Duration.ofSeconds(30));
          if (log.output().contains("Got assigned task")) {
            return true;
          }
          JsonNode job = api.get("/v1/jobs/" + jobId).json();
          assertThat(job.get("status").asString()).as("the job ran no task on %s: %s", worker, job)
              .isEqualTo("RUNNING");
          return false;
        });
  }

  /** Master and workers from the image's Spark home, as docs/deploy.md ("Spark standalone in containers") shows. */
  private static void startCluster() {
    clusterStart = System.nanoTime();
    String user = owner(DATA);
    String master = "spark://127.0.0.1:" + MASTER_PORT;
    start(MASTER, user, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", Integer.toString(MASTER_PORT), "--webui-port", Integer.toString(ServiceProcess.freePort()));
    for (String worker : WORKERS) {
      start(worker, user, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--webui-port", Integer.toString(ServiceProcess.freePort()), "--cores", "1", "--memory", "2g",
          "--work-dir", "/tmp/spark-work", master);
    }
  }

  private static void awaitWorkers() {
    if (registered) {
      return;
    }
    await("the workers to register with the master").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
        .until(() -> ContainerEngine.run("docker", "logs", MASTER).split("Registering worker", -1).length - 1
            >= WORKERS.size());
    registered = true;
    System.out.printf("Spark master and %d workers registered %.1f s after docker run%n", WORKERS.size(),
        (System.nanoTime() - clusterStart) / 1e9);
  }

  private static void start(String name, String user, String mainClass, String... args) {
    // --no-healthcheck: the image's check asks the service's HTTP port, which these containers do not open
    List<String> command = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--network", "host",
        "--no-healthcheck", "--user", user, "-v", DATA + ":" + DATA,
        "-e", "SPARK_HOME=/opt/snmf-spark", "-e", "SPARK_SCALA_VERSION=2.13", "-e", "SPARK_LOCAL_IP=127.0.0.1",
        "--entrypoint", "java", IMAGE, "-Xmx256m", "-cp", "/opt/snmf-spark/jars/*", mainClass));
    command.addAll(List.of(args));
    started.add(name); // removed after, even if run fails half-way
    ContainerEngine.run(command, Map.of(), Duration.ofMinutes(2));
  }

  private static String owner(Path dir) {
    try {
      return Files.getAttribute(dir, "unix:uid") + ":" + Files.getAttribute(dir, "unix:gid");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path freshDirectory(Path dir) {
    StoreDirectory.deleteRecursively(dir); // left by a run that was killed
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
