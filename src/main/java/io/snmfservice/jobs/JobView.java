package io.snmfservice.jobs;

import java.time.Instant;
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
    Instant updatedAt) {

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
        job.updatedAt());
  }
}
