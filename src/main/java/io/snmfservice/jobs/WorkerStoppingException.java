package io.snmfservice.jobs;

/** Thrown into a handler at a progress report when its worker shuts down or lost the job's lease. */
public class WorkerStoppingException extends RuntimeException {
  public WorkerStoppingException(String reason) {
    super(reason);
  }
}
