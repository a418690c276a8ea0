package io.snmfservice.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Waits for jobs through the public API, keeping every state seen on the way. */
public final class Jobs {

  private Jobs() {}

  /** Polls {@code GET /v1/jobs/{id}} until the job finishes; returns all observed snapshots. */
  public static List<JsonNode> awaitFinished(ContractClient api, long jobId, Duration timeout) {
    List<JsonNode> seen = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = api.get("/v1/jobs/" + jobId).json();
      seen.add(job);
      String status = job.get("status").asString();
      if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
        return seen;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("job " + jobId + " did not finish within " + timeout + "; last: " + seen.get(seen.size() - 1));
  }

  public static JsonNode awaitSucceeded(ContractClient api, long jobId, Duration timeout) {
    List<JsonNode> seen = awaitFinished(api, jobId, timeout);
    JsonNode last = seen.get(seen.size() - 1);
    assertThat(last.get("status").asString()).as(last.toString()).isEqualTo("SUCCEEDED");
    return last;
  }
}
