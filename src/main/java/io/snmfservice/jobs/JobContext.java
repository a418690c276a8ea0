package io.snmfservice.jobs;

import tools.jackson.databind.JsonNode;

/** What a handler sees of its job: id, parameters, attempt number, and the progress channel. */
public interface JobContext extends Progress {

  long jobId();

  JsonNode params();

  int attempt();

  /** The API key that submitted the job (null without one): rows the job creates belong to it. */
  Long submittedBy();

  /** The job this one is a part of (null for a top-level job). */
  Long parentId();

  /** The jobs this one waited for, in submission order (all finished by the time it runs); empty for most jobs. */
  java.util.List<Job> children();

  /** Throws {@link JobCancelledException} (or a shutdown signal) if the job should stop now. */
  void checkpoint();
}
