package io.snmfservice.jobs;

import tools.jackson.databind.JsonNode;

/**
 * What a finished handler hands back: a small JSON summary stored on the job row and the writes of its results,
 * executed inside the transaction that completes the job, so a crashed job leaves nothing half-written.
 */
public record JobResult(JsonNode summary, Runnable writer) {

  public static JobResult of(JsonNode summary) {
    return new JobResult(summary, () -> {});
  }
}
