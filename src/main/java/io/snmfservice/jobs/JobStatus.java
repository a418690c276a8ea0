package io.snmfservice.jobs;

/** The job state machine: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED (RUNNING → QUEUED on retry). */
public enum JobStatus {
  QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
