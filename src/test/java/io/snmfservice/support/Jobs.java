package io.snmfservice.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/** Waits for jobs through the public API. */
public final class Jobs {

  private static final Duration POLL = Duration.ofMillis(50);

  private static final Pattern ITERATION = Pattern.compile("iteration (\\d+)/.*");

  private Jobs() {}

  /** The iteration a factorization job reports in its message; -1 before it reports one. */
  public static int iteration(JsonNode job) {
    Matcher m = ITERATION.matcher(job.get("message").asString(""));
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** Polls {@code GET /v1/jobs/{id}} until the job finishes; returns all observed snapshots. */
  public static List<JsonNode> awaitFinished(ContractClient api, long jobId, Duration timeout) {
    List<JsonNode> seen = new ArrayList<>();
    Awaitility.await("job " + jobId + " to finish").atMost(timeout).pollInSameThread().pollInterval(POLL)
        .until(() -> {
          JsonNode job = api.get("/v1/jobs/" + jobId).json();
          seen.add(job);
          return job;
        }, job -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("status").asString()));
    return seen;
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
    return Awaitility.await("job " + jobId + " to reach " + what).atMost(timeout).pollInterval(POLL)
        .ignoreExceptionsInstanceOf(UncheckedIOException.class) // the service is restarting
        .until(() -> jobUnlessUnavailable(http, jobId), job -> {
          if (job == null || reached.test(job)) {
            return job != null;
          }
          assertThat(job.get("status").asString()).as(job.toString()).isIn("QUEUED", "RUNNING");
          return false;
        });
  }

  /** {@link #await} until the job has SUCCEEDED. */
  public static JsonNode awaitSucceeded(Http http, long jobId, Duration timeout) {
    return await(http, jobId, "SUCCEEDED", j -> "SUCCEEDED".equals(j.get("status").asString()), timeout);
  }

  /** The job, or null while the database is away: then the answer must be a 503 problem that names it. */
  private static JsonNode jobUnlessUnavailable(Http http, long jobId) {
    Http.Response r = http.get("/v1/jobs/" + jobId);
    if (r.status() == 200) {
      return r.json();
    }
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asString()).contains("database is unavailable");
    return null;
  }
}
