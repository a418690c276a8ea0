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
    Long createdBy) {

  /** The answer to a job-creating POST: 202 Accepted, Location of the job, the job as body. */
  public static ResponseEntity<JobView> accepted(Job job) {
    return ResponseEntity.accepted().location(URI.create("/v1/jobs/" + job.id())).body(of(job));
  }

  public static JobView of(Job job) {
    return new JobView(
        job.id(),
        job.type(),
        job.status(),
        job.stage(),
        job.progress(),
        job.etaSeconds(),
        job.message(),
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
        job.createdBy());
  }
}
