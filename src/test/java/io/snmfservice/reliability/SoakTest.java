package io.snmfservice.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.snmfservice.activations.TokenIndex;
import io.snmfservice.activations.store.ActivationFileReader;
import io.snmfservice.activations.store.ShardManifest;
import io.snmfservice.support.Http;
import io.snmfservice.support.KillTest;
import io.snmfservice.support.ServiceProcess;
import io.snmfservice.support.SideLane;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDatabase;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Kill -9 soak: an API process stays up while the only worker process is SIGKILLed at random points, again and
 * again, as rounds of dependent jobs (sample a dataset → collect + factorize with a hierarchy → steer + evaluate)
 * keep it busy. Afterwards every job has succeeded exactly once, no result is duplicated or half-written, the
 * store holds no orphaned files, and every round's results equal those of a round run without kills.
 * {@code -Dsoak.kills=N} (default 30) sets the number of kills; {@code scripts/soak.sh} runs a long one.
 */
@SlowTest
@KillTest
@SideLane
class SoakTest {

  private static final Logger log = LoggerFactory.getLogger(SoakTest.class);
  static final int KILLS = Integer.getInteger("soak.kills", 30);
  private static final int K = 12;
  private static final int COARSE_K = 4;

  @TempDir Path dataDir;
  private final TestDatabase.Connection db = TestDatabase.createDatabase("soak_" + System.nanoTime());
  private final List<ServiceProcess> processes = new ArrayList<>();

  @AfterEach
  void stopAllAndKeepTheLogs() throws IOException {
    processes.forEach(ServiceProcess::kill);
    Path logs = Files.createDirectories(Path.of("target", "soak"));
    for (String name : List.of("api.log", "worker-a.log", "worker-b.log")) {
      if (Files.exists(dataDir.resolve(name))) {
        Files.copy(dataDir.resolve(name), logs.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  @Test
  void jobsSurviveRepeatedSigkillsOfTheirWorkerWithTheResultsOfAnUndisturbedRun() throws Exception {
    ServiceProcess api = start("api.log", "--snmf.role=api", "--snmf.workers.max-attempts=1000");
    Http http = new Http(api.port());
    long model = http.post("/v1/models", "{\"name\":\"soak\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();

    // two worker processes, each killed at random points: kills accrue twice as fast and leases change hands
    Random random = new Random(Long.getLong("soak.seed", 20261201L));
    List<Killer> killers = List.of(new Killer("worker-a.log", (KILLS + 1) / 2, new Random(random.nextLong())),
        new Killer("worker-b.log", KILLS / 2, new Random(random.nextLong())));
    List<Thread> killing = killers.stream().map(k -> new Thread(k, "soak-killer-" + k.logName)).toList();
    killing.forEach(Thread::start);
    List<Round> rounds = new ArrayList<>();
    // rounds one after another for as long as the killers kill, then until the last round is done
    await("the killers to finish and every round to be done").atMost(Duration.ofMinutes(10 + KILLS))
        .pollInSameThread().pollInterval(Duration.ofMillis(200)).until(() -> {
          boolean stillKilling = killing.stream().anyMatch(Thread::isAlive);
          if (stillKilling && rounds.stream().allMatch(Round::done)) {
            rounds.add(new Round(http, model));
          }
          rounds.forEach(Round::advance);
          return !stillKilling && rounds.stream().allMatch(Round::done);
        });
    for (Killer killer : killers) {
      assertThat(killer.failure).as("killer of " + killer.logName).isNull();
    }
    Round reference = new Round(http, model);
    await("the undisturbed reference round").atMost(Duration.ofMinutes(10)).pollInSameThread()
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          reference.advance();
          return reference.done();
        });
    int kills = killers.stream().mapToInt(k -> k.kills).sum();

    Summary summary = new Summary(kills, rounds.size(), resumedFactorizations(), jobStats());
    log.info("Soak: {}", summary);
    assertThat(kills).isGreaterThanOrEqualTo(KILLS);
    assertEveryJobSucceededOnce();
    assertNoOrphanedFiles();
    for (Round round : rounds) {
      assertSameResults(round, reference);
    }
    writeSummary(summary);
  }

  /** Starts and SIGKILLs worker processes one after another; leaves the last one running. */
  private final class Killer implements Runnable {
    final String logName;
    final int target;
    final Random random;
    volatile int kills;
    volatile Throwable failure;

    Killer(String logName, int target, Random random) {
      this.logName = logName;
      this.target = target;
      this.random = random;
    }

    @Override
    public void run() {
      try {
        while (kills < target) {
          ServiceProcess worker = startWorker(logName);
          // a random point: anywhere from the first claim to a few seconds into the work (the sleep is the point)
          Thread.sleep(100 + random.nextInt(2500));
          worker.kill();
          kills++;
        }
        startWorker(logName);
      } catch (Throwable e) {
        failure = e;
      }
    }
  }

  private ServiceProcess startWorker(String logName) {
    return start(logName, "--snmf.role=worker", "--snmf.workers.threads=2",
        "--snmf.workers.lease-duration=2s", "--snmf.workers.heartbeat-interval=300ms",
        "--snmf.workers.reaper-interval=300ms", "--snmf.workers.poll-interval=100ms",
        "--snmf.factorization.checkpoint-iterations=20");
  }

  private ServiceProcess start(String logName, String... settings) {
    // C1 only: a third faster to start, and starts are most of the soak's time (its jobs are small)
    ServiceProcess p = ServiceProcess.start(db, dataDir, logName, List.of("-XX:TieredStopAtLevel=1"),
        List.of(settings));
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  /** One chain of dependent jobs, submitted as its inputs become ready. */
  private static final class Round {
    private final Http http;
    private final long model;
    final Map<String, Long> jobs = new LinkedHashMap<>();
    final Map<String, JsonNode> results = new LinkedHashMap<>();

    Round(Http http, long model) {
      this.http = http;
      this.model = model;
      submit("sample", "/v1/datasets", "{\"name\":\"soak-" + System.nanoTime() + "\",\"kind\":\"model-samples\","
          + "\"modelId\":" + model + ",\"count\":100,\"length\":31,\"seed\":3}");
    }

    boolean done() {
      return results.size() == 5;
    }

    void advance() {
      for (Map.Entry<String, Long> job : jobs.entrySet()) {
        if (results.containsKey(job.getKey())) {
          continue;
        }
        Http.Response answer = http.get("/v1/jobs/" + job.getValue());
        if (answer.status() == 503) {
          continue; // "retry later": a loaded machine can stall the database past the pool's timeouts
        }
        JsonNode view = answer.json();
        String status = view.get("status").asString();
        assertThat(status).as(job.getKey() + " " + view).isIn("QUEUED", "RUNNING", "SUCCEEDED");
        if (status.equals("SUCCEEDED")) {
          results.put(job.getKey(), view.get("result"));
        }
      }
      if (results.containsKey("sample") && !jobs.containsKey("collect")) {
        long dataset = results.get("sample").get("datasetId").asLong();
        submit("collect", "/v1/activations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
            + ",\"layers\":[1],\"contextLength\":32}");
        submit("factorize", "/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
            + ",\"layer\":1,\"k\":" + K + ",\"levels\":[" + K + "," + COARSE_K + "],\"maxIterations\":400,"
            + "\"patience\":400,\"seed\":2,\"contextLength\":32}");
      }
      if (results.containsKey("factorize") && !jobs.containsKey("steer")) {
        long feature = http.get("/v1/factorizations/" + results.get("factorize").get("factorizationId").asLong()
            + "/features?sort=index&level=0&size=1").json().get("items").get(0).get("id").asLong();
        submit("steer", "/v1/steering", "{\"modelId\":" + model + ",\"featureIds\":[" + feature + "],"
            + "\"klTargets\":[0.5],\"generations\":1,\"newTokens\":6,\"seed\":3}");
        submit("evaluate", "/v1/evaluations", "{\"modelId\":" + model + ",\"layer\":1,\"concepts\":[{\"name\":\"x\","
            + "\"sentences\":[\"<1> <401> <401>\",\"<1> <455> <401>\",\"<1> <401> <473>\"],"
            + "\"neutral\":[\"<1> <300> <301>\",\"<1> <310> <311>\",\"<1> <320> <321>\"]}],"
            + "\"featureIds\":[" + feature + "]}");
      }
    }

    private void submit(String name, String path, String body) {
      Http.Response r = http.post(path, body);
      for (int retry = 0; retry < 10 && r.status() == 503; retry++) {
        // nothing was stored: a client retries, as the answer says
        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        r = http.post(path, body);
      }
      assertThat(r.status()).as(name + ": " + r.body()).isEqualTo(202);
      jobs.put(name, r.json().get("id").asLong());
    }
  }

  private void assertSameResults(Round round, Round reference) throws Exception {
    long activations = round.results.get("collect").get("activationSets").get("1").asLong();
    long referenceActivations = reference.results.get("collect").get("activationSets").get("1").asLong();
    // a round's set may be sharded (one shard per live worker) or not: compare what the reader sees
    assertThat(values(activations)).as("activations of round job " + round.jobs.get("collect"))
        .isEqualTo(values(referenceActivations));
    assertThat(tokens(activations)).as("token index of round job " + round.jobs.get("collect"))
        .isEqualTo(tokens(referenceActivations));
    long factorization = round.results.get("factorize").get("factorizationId").asLong();
    long referenceFactorization = reference.results.get("factorize").get("factorizationId").asLong();
    List<float[]> directions = directions(factorization);
    List<float[]> expected = directions(referenceFactorization);
    assertThat(directions).hasSize(K + COARSE_K).hasSameSizeAs(expected);
    for (int f = 0; f < directions.size(); f++) {
      assertThat(relativeDifference(directions.get(f), expected.get(f)))
          .as("feature %d of factorization %d", f, factorization).isLessThanOrEqualTo(1e-5);
    }
    assertThat(outcomes(round)).isEqualTo(outcomes(reference));
    assertThat(evaluationRows(round)).isEqualTo(evaluationRows(reference));
    assertThat(evaluationRows(round)).hasSize(2);
  }

  /** Every value of a recorded set, through the service's reader (a single file or a shard manifest). */
  private float[] values(long activationSet) throws SQLException {
    try (ActivationFileReader reader = ActivationFileReader.open(Path.of(single("SELECT matrix_path FROM"
        + " activation_set WHERE id = " + activationSet)))) {
      float[] all = new float[Math.toIntExact(reader.d() * reader.n())];
      reader.readColumns(0, Math.toIntExact(reader.n()), all);
      return all;
    }
  }

  /** Document, position and token of every column of a set's token index. */
  private List<String> tokens(long activationSet) throws SQLException {
    TokenIndex index = TokenIndex.read(Path.of(single("SELECT index_path FROM activation_set WHERE id = "
        + activationSet)));
    List<String> out = new ArrayList<>();
    for (int c = 0; c < index.size(); c++) {
      out.add(index.document(c) + ":" + index.position(c) + ":" + index.token(c));
    }
    return out;
  }

  private List<String> outcomes(Round round) throws SQLException {
    long run = round.results.get("steer").get("steeringRunIds").get(0).asLong();
    return strings("SELECT concat_ws('|', target, sign, status, round(alpha::numeric, 5), round(kl::numeric, 6),"
        + " generations::text) FROM steering_outcome WHERE run_id = " + run + " ORDER BY target, sign");
  }

  /** Method, concept and AUROC of each row (the feature ids differ from round to round). */
  private static List<String> evaluationRows(Round round) {
    long evaluation = round.results.get("evaluate").get("evaluationId").asLong();
    List<String> rows = new ArrayList<>();
    round.http.get("/v1/evaluations/" + evaluation).json().get("rows").forEach(r -> rows.add(r.get("method")
        .asString() + "|" + r.get("concept").asString() + "|" + Math.round(r.get("auroc").asDouble() * 1e6)));
    return rows;
  }

  private void assertEveryJobSucceededOnce() throws SQLException {
    assertThat(strings("SELECT id || ' ' || type || ' ' || status FROM job WHERE status <> 'SUCCEEDED'")).isEmpty();
    assertThat(strings("SELECT job_id::text FROM factorization GROUP BY job_id HAVING count(*) > 1")).isEmpty();
    assertThat(strings("SELECT f.id::text FROM factorization f LEFT JOIN feature x ON x.factorization_id = f.id"
        + " GROUP BY f.id HAVING count(x.id) <> " + (K + COARSE_K))).as("half-written factorizations").isEmpty();
    assertThat(single("SELECT count(*) FROM factorization")).isEqualTo(single("SELECT count(*) FROM job"
        + " WHERE type = 'factorize'"));
    assertThat(single("SELECT count(*) FROM dataset")).isEqualTo(single("SELECT count(*) FROM job"
        + " WHERE type = 'sample-dataset'"));
    assertThat(strings("SELECT d.id::text FROM dataset d LEFT JOIN document x ON x.dataset_id = d.id"
        + " GROUP BY d.id HAVING count(x.*) <> 100")).as("half-written datasets").isEmpty();
    assertThat(single("SELECT count(*) FROM steering_run")).isEqualTo(single("SELECT count(*) FROM job"
        + " WHERE type = 'steer'"));
    assertThat(single("SELECT count(*) FROM evaluation")).isEqualTo(single("SELECT count(*) FROM job"
        + " WHERE type = 'evaluate'"));
  }

  /**
   * Every entry of the store belongs to a stored result: an activation set's files (a sharded set's manifests and
   * the shard files they list) or a factorization's.
   */
  private void assertNoOrphanedFiles() throws Exception {
    Set<Path> owned = new HashSet<>();
    for (String path : strings("SELECT matrix_path FROM activation_set UNION SELECT index_path FROM activation_set"
        + " UNION SELECT factor_dir FROM factorization")) {
      Path file = Path.of(path).toAbsolutePath().normalize();
      owned.add(file);
      if (ShardManifest.isManifest(file) && Files.exists(file)) {
        ShardManifest.read(file).files(file).forEach(part -> owned.add(part.toAbsolutePath().normalize()));
      }
    }
    List<Path> orphans = new ArrayList<>();
    for (String area : List.of("activations", "factorizations")) {
      Path dir = dataDir.resolve(area);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.filter(Files::isRegularFile).map(p -> p.toAbsolutePath().normalize())
            .filter(p -> owned.stream().noneMatch(o -> p.equals(o) || p.startsWith(o)))
            .forEach(orphans::add);
      }
    }
    assertThat(orphans).as("files no stored result owns").isEmpty();
  }

  private long resumedFactorizations() throws IOException {
    long resumed = 0;
    for (String name : List.of("worker-a.log", "worker-b.log")) {
      try (Stream<String> lines = Files.lines(dataDir.resolve(name))) {
        resumed += lines.filter(l -> l.contains("resumed its factorization from the checkpoint")).count();
      }
    }
    return resumed;
  }

  private Map<String, Object> jobStats() throws SQLException {
    Map<String, Object> stats = new LinkedHashMap<>();
    for (String row : strings("SELECT type || ': ' || count(*) || ' jobs, ' || sum(attempts) || ' attempts, max '"
        + " || max(attempts) FROM job GROUP BY type ORDER BY type")) {
      stats.put(row.substring(0, row.indexOf(':')), row.substring(row.indexOf(':') + 2));
    }
    return stats;
  }

  /** What the soak did; {@code resumed} counts factorization attempts that continued from a checkpoint. */
  record Summary(int kills, int rounds, long resumed, Map<String, Object> jobs) {
    String table() {
      StringBuilder b = new StringBuilder("| kills | rounds | factorizations resumed from a checkpoint |\n"
          + "|---|---|---|\n| " + kills + " | " + rounds + " | " + resumed + " |\n\n"
          + "| job type | jobs, attempts |\n|---|---|\n");
      jobs.forEach((type, stats) -> b.append("| ").append(type).append(" | ").append(stats).append(" |\n"));
      return b.toString();
    }
  }

  /** The summary table for {@code scripts/soak.sh}, which prints it. */
  private static void writeSummary(Summary summary) throws IOException {
    Path out = Path.of("target", "soak-summary.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, summary.table());
  }

  private static double relativeDifference(float[] a, float[] b) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      norm = Math.max(norm, Math.abs(b[i]));
    }
    return diff / Math.max(norm, 1e-12);
  }

  private List<float[]> directions(long factorization) throws SQLException {
    List<float[]> out = new ArrayList<>();
    try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery("SELECT direction FROM feature"
        + " WHERE factorization_id = " + factorization + " ORDER BY level, index")) {
      while (rs.next()) {
        Float[] boxed = (Float[]) rs.getArray(1).getArray();
        float[] v = new float[boxed.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = boxed[i];
        }
        out.add(v);
      }
    }
    return out;
  }

  private List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private String single(String sql) throws SQLException {
    List<String> rows = strings(sql);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(db.url(), db.username(), db.password());
  }
}
