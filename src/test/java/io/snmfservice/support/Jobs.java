package io.snmfservice.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** Waits for jobs through the public API. */
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
      Pause.sleep(50);
    }
    throw new AssertionError("job " + jobId + " did not finish within " + timeout + "; last: " + seen.get(seen.size() - 1));
  }

  public static JsonNode awaitSucceeded(ContractClient api, long jobId, Duration timeout) {
    List<JsonNode> seen = awaitFinished(api, jobId, timeout);
    JsonNode last = seen.get(seen.size() - 1);
    assertThat(last.get("status").asString()).as(last.toString()).isEqualTo("SUCCEEDED");
    return last;
  }

  /**
   * Polls a service that may be restarting, or whose database may be away, until the job satisfies {@code reached};
   * until then it must be QUEUED or RUNNING. Failed connections (the service restarting) are waited out, and so
   * are 503 answers, which must be problem documents that name the unavailable database.
   */
  public static JsonNode await(Http http, long jobId, String what, Predicate<JsonNode> reached, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      try {
        Http.Response r = http.get("/v1/jobs/" + jobId);
        if (r.status() == 200) {
          last = r.json();
          if (reached.test(last)) {
            return last;
          }
          assertThat(last.get("status").asString()).as(last.toString()).isIn("QUEUED", "RUNNING");
        } else {
          assertThat(r.status()).as(r.body()).isEqualTo(503);
          assertThat(r.contentType()).startsWith("application/problem+json");
          assertThat(r.json().get("detail").asString()).contains("database is unavailable");
        }
      } catch (UncheckedIOException e) {
        // the service is restarting
      }
      Pause.sleep(50);
    }
    throw new AssertionError("job " + jobId + " never reached " + what + " within " + timeout + "; last: " + last);
  }

  /** {@link #await} until the job has SUCCEEDED. */
  public static JsonNode awaitSucceeded(Http http, long jobId, Duration timeout) {
    return await(http, jobId, "SUCCEEDED", j -> "SUCCEEDED".equals(j.get("status").asString()), timeout);
  }
}
