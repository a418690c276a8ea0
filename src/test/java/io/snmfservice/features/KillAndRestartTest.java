package io.snmfservice.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceProcesses;
import io.snmfservice.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A service process killed (SIGKILL) while factorizing: after a new process starts on the same database, the
 * expired lease sends the job back to the queue, it runs to completion, and exactly one set of results exists. The
 * processes run on the runtime classpath, so the service is also shown to start without test-only jars.
 */
class KillAndRestartTest {

  @TempDir Path dataDir;
  /** Its own database: no other test's workers may take its jobs. */
  private final TestDatabase.Connection db = TestDatabase.createDatabase("kill_restart_" + System.nanoTime());
  private ServiceProcesses service;

  @AfterEach
  void stopAll() {
    service.close();
  }

  @Test
  void factorizationKilledMidwayFinishesAfterRestartWithOneSetOfResults() throws Exception {
    service = new ServiceProcesses(db, dataDir);
    int port = service.port();
    Process first = service.start();
    Http http = new Http(port);
    String suffix = Long.toString(System.nanoTime(), 36);
    long model = http.post("/v1/models", "{\"name\":\"kill-" + suffix + "\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    long sampling = http.post("/v1/datasets", "{\"name\":\"kill-" + suffix + "\",\"kind\":\"model-samples\","
        + "\"modelId\":" + model + ",\"count\":200,\"length\":31,\"seed\":3}").json().get("id").asLong();
    long dataset = await(http, sampling, "SUCCEEDED", Duration.ofMinutes(2)).get("result").get("datasetId").asLong();
    long job = http.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":1,\"k\":16,\"maxIterations\":3000,\"patience\":3000,\"contextLength\":32}").json().get("id").asLong();

    JsonNode factorizing = awaitStage(http, job, "factorize", Duration.ofMinutes(2));
    assertThat(factorizing.get("status").asString()).isEqualTo("RUNNING");
    first.destroyForcibly().waitFor();

    Process second = service.start();
    JsonNode done = await(new Http(port), job, "SUCCEEDED", Duration.ofMinutes(4));
    assertThat(done.get("attempts").asInt()).isEqualTo(2);
    assertThat(countRows("SELECT count(*) FROM factorization WHERE job_id = " + job)).isEqualTo(1);
    long factorization = done.get("result").get("factorizationId").asLong();
    assertThat(countRows("SELECT count(*) FROM feature WHERE factorization_id = " + factorization)).isEqualTo(16);
    second.destroy();
  }

  private static JsonNode awaitStage(Http http, long job, String stage, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode j = http.get("/v1/jobs/" + job).json();
      if (stage.equals(j.get("stage").asString("")) && j.get("message").asString("").startsWith("iteration")) {
        return j;
      }
      assertThat(j.get("status").asString()).isIn("QUEUED", "RUNNING");
      ServiceProcesses.sleep(50);
    }
    throw new AssertionError("job " + job + " never reached stage " + stage);
  }

  private static JsonNode await(Http http, long job, String status, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode j = null;
    while (System.nanoTime() < deadline) {
      try {
        j = http.get("/v1/jobs/" + job).json();
        if (status.equals(j.get("status").asString())) {
          return j;
        }
        assertThat(j.get("status").asString()).isIn("QUEUED", "RUNNING");
      } catch (java.io.UncheckedIOException e) {
        // the service is restarting
      }
      ServiceProcesses.sleep(100);
    }
    throw new AssertionError("job " + job + " did not reach " + status + "; last " + j);
  }

  private long countRows(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.username(), db.password());
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
