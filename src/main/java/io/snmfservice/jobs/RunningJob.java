package io.snmfservice.jobs;

import io.snmfservice.storage.DatabaseUnavailable;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A claimed job while its handler runs. Progress writes are throttled (at most one per {@code minWriteMillis}),
 * the stage ETA is extrapolated from the elapsed time, and stop requests (cancel, shutdown, lost lease) are
 * raised as exceptions at the handler's next report. A report that cannot be written because the database is
 * unreachable is skipped.
 */
final class RunningJob implements JobContext {

  private static final long OUTAGE_BACKOFF_NANOS = 5_000_000_000L;

  private final Job job;
  private final String owner;
  private final JobStore store;
  private final long minWriteMillis;
  private final long startNanos = System.nanoTime();
  private volatile boolean cancelRequested;
  private volatile String stopReason;
  private long lastWriteNanos;
  private String lastStage;
  /** No progress writes before this while the database is unreachable. */
  private long quietUntilNanos = Long.MIN_VALUE;

  RunningJob(Job job, String owner, JobStore store, long minWriteMillis) {
    this.job = job;
    this.owner = owner;
    this.store = store;
    this.minWriteMillis = minWriteMillis;
  }

  @Override
  public long jobId() {
    return job.id();
  }

  @Override
  public Long submittedBy() {
    return job.createdBy();
  }

  @Override
  public Long parentId() {
    return job.parentId();
  }

  @Override
  public java.util.List<Job> children() {
    return job.children() == null ? java.util.List.of() : store.children(job.id());
  }

  @Override
  public JsonNode params() {
    return job.params();
  }

  @Override
  public int attempt() {
    return job.attempts();
  }

  Job job() {
    return job;
  }

  void requestCancel() {
    cancelRequested = true;
  }

  void requestStop(String reason) {
    stopReason = reason;
  }

  @Override
  public void checkpoint() {
    if (stopReason != null) {
      throw new WorkerStoppingException(stopReason);
    }
    if (cancelRequested) {
      throw new JobCancelledException(job.id());
    }
  }

  @Override
  public synchronized void report(String stage, double fraction, String message) {
    checkpoint();
    long now = System.nanoTime();
    boolean stageChanged = !stage.equals(lastStage);
    if (!stageChanged && fraction < 1 && (now - lastWriteNanos) / 1_000_000 < minWriteMillis) {
      return;
    }
    lastStage = stage;
    lastWriteNanos = now;
    double clamped = Math.max(0, Math.min(1, fraction));
    if (now < quietUntilNanos) {
      return;
    }
    Optional<Boolean> cancel;
    try {
      cancel = store.reportProgress(job.id(), owner, stage, clamped, eta(clamped, now), message);
    } catch (RuntimeException e) {
      if (!DatabaseUnavailable.isCause(e)) {
        throw e;
      }
      // keep working; each try waits for the pool's timeout, so try again only now and then. The first report
      // after the database returns tells whether the lease was lost meanwhile.
      quietUntilNanos = System.nanoTime() + OUTAGE_BACKOFF_NANOS;
      return;
    }
    if (cancel.isEmpty()) {
      requestStop("lease of job " + job.id() + " was lost");
    } else if (cancel.get()) {
      requestCancel();
    }
    checkpoint();
  }

  /** Remaining seconds if the rest goes as fast as what is done so far; null while too little is done to tell. */
  private Double eta(double fraction, long now) {
    if (fraction < 0.01) {
      return null;
    }
    double elapsed = (now - startNanos) / 1e9;
    return elapsed * (1 - fraction) / fraction;
  }
}
