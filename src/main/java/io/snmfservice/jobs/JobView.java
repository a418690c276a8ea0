package io.snmfservice.jobs;

import java.net.URI;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/** A job as the API shows it. */
public record JobView(
    long id,
    String type,
    JobStatus status,
    String stage,
    double progress,
    Double etaSeconds,
    String message,
    JsonNode params,
    int priority,
    int attempts,
    int maxAttempts,
    boolean cancelRequested,
    String worker,
    JsonNode error,
    JsonNode result,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Instant updatedAt,
    Long createdBy,
    Long parentId,
    JsonNode children) {

  /** The answer to a job-creating POST: 202 Accepted, Location of the job, the job as body. */
  public static ResponseEntity<JobView> accepted(Job job) {
    return ResponseEntity.accepted().location(URI.create("/v1/jobs/" + job.id())).body(of(job));
  }

  public static JobView of(Job job) {
    JsonNode c = job.children();
    // a job waiting for its children shows their combined progress, scaled to the share they make up of it
    boolean waiting = c != null && job.status() == JobStatus.QUEUED
        && c.get("queued").asLong() + c.get("running").asLong() > 0;
    String stage = job.stage();
    double progress = job.progress();
    Double eta = job.etaSeconds();
    String message = job.message();
    if (waiting) {
      stage = c.path("stage").isString() ? c.get("stage").asString() : "queued";
      progress = (job.childrenShare() == null ? 1 : job.childrenShare()) * c.get("progress").asDouble();
      eta = c.get("queued").asLong() == 0 && c.path("etaSeconds").isNumber() ? c.get("etaSeconds").asDouble() : null;
      message = String.format("%d/%d parts done, %d running, %d queued", c.get("succeeded").asLong(),
          c.get("total").asLong(), c.get("running").asLong(), c.get("queued").asLong());
    }
    return new JobView(
        job.id(),
        job.type(),
        job.status(),
        stage,
        progress,
        eta,
        message,
        job.params(),
        job.priority(),
        job.attempts(),
        job.maxAttempts(),
        job.cancelRequested(),
        job.leaseOwner(),
        job.error(),
        job.result(),
        job.createdAt(),
        job.startedAt(),
        job.finishedAt(),
        job.updatedAt(),
        job.createdBy(),
        job.parentId(),
        c);
  }
}
