package io.snmfservice.jobs;

import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * What a finished handler hands back: the writes of its results, run inside the transaction that marks the job
 * SUCCEEDED (so a crashed job leaves nothing half-written), returning the small JSON summary stored on the job.
 */
public record JobResult(Supplier<JsonNode> writer) {

  /** A job whose results are only its summary. */
  public static JobResult of(JsonNode summary) {
    return new JobResult(() -> summary);
  }
}
