package io.snmfservice.jobs;

/** Thrown into a handler at a progress report when a client asked to cancel its job. */
public class JobCancelledException extends RuntimeException {
  public JobCancelledException(long jobId) {
    super("job " + jobId + " was cancelled");
  }
}
