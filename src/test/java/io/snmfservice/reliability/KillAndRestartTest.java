package io.snmfservice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.KillTest;
import io.snmfservice.support.ServiceProcess;
import io.snmfservice.support.SideLane;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A service process killed (SIGKILL) while factorizing: after a new process starts on the same database, the
 * expired lease sends the job back to the queue, the new attempt resumes from the last checkpoint instead of
 * iteration 0, exactly one set of results exists, and it equals the result of the same factorization run without
 * a kill. The processes run on the runtime classpath, so the service is also shown to start without test-only jars.
 */
@SlowTest
@KillTest
@SideLane
class KillAndRestartTest {

  private static final int ITERATIONS = 600;
  private static final Pattern RESUMED = Pattern.compile("resumed its factorization from the checkpoint of iteration (\\d+)");

  @TempDir Path dataDir;
  private final List<ServiceProcess> processes = new ArrayList<>();
  /** Its own database: no other test's workers may take its jobs. */
  private final TestDatabase.Connection db = TestDatabase.createDatabase("kill_restart_" + System.nanoTime());

  @AfterEach
  void stopAll() {
    processes.forEach(ServiceProcess::kill);
  }

  @Test
  void factorizationKilledMidwayResumesFromItsCheckpointWithTheResultOfAnUninterruptedRun() throws Exception {
    ServiceProcess first = start();
    Http http = new Http(first.port());
    long model = http.post("/v1/models", "{\"name\":\"kill\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    long sampling = http.post("/v1/datasets", "{\"name\":\"kill\",\"kind\":\"model-samples\","
        + "\"modelId\":" + model + ",\"count\":200,\"length\":31,\"seed\":3}").json().get("id").asLong();
    long dataset = Jobs.awaitSucceeded(http, sampling, Duration.ofMinutes(2)).get("result").get("datasetId").asLong();
    String factorize = "{\"modelId\":" + model + ",\"datasetId\":" + dataset + ",\"layer\":1,\"k\":16,"
        + "\"maxIterations\":" + ITERATIONS + ",\"patience\":" + ITERATIONS + ",\"contextLength\":32}";
    long job = http.post("/v1/factorizations", factorize).json().get("id").asLong();

    JsonNode killedAt = Jobs.await(http, job, "iteration 150", j -> Jobs.iteration(j) >= 150, Duration.ofMinutes(2));
    assertThat(killedAt.get("status").asString()).isEqualTo("RUNNING");
    first.kill();

    ServiceProcess second = start();
    http = new Http(second.port());
    JsonNode done = Jobs.awaitSucceeded(http, job, Duration.ofMinutes(4));
    assertThat(done.get("attempts").asInt()).isEqualTo(2);
    Matcher resumed = RESUMED.matcher(Files.readString(second.log()));
    assertThat(resumed.find()).as("the second attempt resumed from a checkpoint, see " + second.log()).isTrue();
    assertThat(Integer.parseInt(resumed.group(1))).isBetween(125, ITERATIONS - 1);
    assertThat(countRows("SELECT count(*) FROM factorization WHERE job_id = " + job)).isEqualTo(1);
    long factorization = done.get("result").get("factorizationId").asLong();
    assertThat(countRows("SELECT count(*) FROM feature WHERE factorization_id = " + factorization)).isEqualTo(16);
    assertThat(Files.list(dataDir.resolve("factorizations")).map(p -> p.getFileName().toString()))
        .as("the checkpoint is gone with the job done").noneMatch(name -> name.endsWith("-state"));

    long again = http.post("/v1/factorizations", factorize).json().get("id").asLong();
    long uninterrupted = Jobs.awaitSucceeded(http, again, Duration.ofMinutes(4)).get("result")
        .get("factorizationId").asLong();
    assertThat(directions(factorization)).isEqualTo(directions(uninterrupted));
  }

  private ServiceProcess start() {
    ServiceProcess p = ServiceProcess.start(db, dataDir, "service-" + processes.size() + ".log", List.of(
        "--snmf.workers.lease-duration=3s",
        "--snmf.workers.heartbeat-interval=500ms",
        "--snmf.workers.reaper-interval=1s",
        "--snmf.factorization.checkpoint-iterations=25"));
    processes.add(p);
    return p;
  }


  /** Feature directions in level/index order, as stored. */
  private List<String> directions(long factorization) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.url(), db.username(), db.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT direction::text FROM feature"
            + " WHERE factorization_id = " + factorization + " ORDER BY level, index")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private long countRows(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.username(), db.password());
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
