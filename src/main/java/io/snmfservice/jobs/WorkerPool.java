package io.snmfservice.jobs;

import io.snmfservice.errors.DomainException;
import io.snmfservice.errors.Unavailable;
import io.snmfservice.storage.DatabaseUnavailable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A pool of worker threads in this process: each claims a queued job, runs its handler, and records the outcome.
 * One heartbeat thread renews the leases of all running jobs and relays cancel requests to them. {@link #stop}
 * hands running jobs back to the queue. While the database is unreachable, running jobs carry on, their outcome
 * is written once it answers again, and a job that failed because of the outage goes back to the queue.
 */
public class WorkerPool {

  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);
  /** Pause between attempts to write a job's outcome while the database is unreachable. */
  private static final long OUTCOME_RETRY_MILLIS = 1000;

  /** Tuning of a pool; see {@code snmf.workers.*}. */
  public record Settings(
      int threads, Duration pollInterval, Duration leaseDuration, Duration heartbeatInterval, Duration shutdownGrace) {}

  private final String owner;
  private final JobStore store;
  private final Map<String, JobHandler> handlers;
  private final TransactionTemplate transactions;
  private final JsonMapper json;
  private final Settings settings;
  private final JobEvents events;
  private final Map<Long, RunningJob> running = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  private volatile boolean halted;
  /** Whether the last database call of this pool found the database unreachable; logged once per outage. */
  private final AtomicBoolean databaseDown = new AtomicBoolean();
  private ExecutorService workers;
  private ScheduledExecutorService heartbeat;

  public WorkerPool(
      String owner,
      JobStore store,
      List<JobHandler> handlers,
      TransactionTemplate transactions,
      JsonMapper json,
      Settings settings,
      JobEvents events) {
    this.owner = owner;
    this.store = store;
    this.handlers = handlers.stream().collect(Collectors.toMap(JobHandler::type, Function.identity()));
    this.transactions = transactions;
    this.json = json;
    this.settings = settings;
    this.events = events;
  }

  public String owner() {
    return owner;
  }

  public synchronized void start() {
    if (workers != null || settings.threads() == 0 || handlers.isEmpty()) {
      return;
    }
    stopping = false;
    workers = Executors.newFixedThreadPool(settings.threads(), named(owner + "-worker"));
    for (int i = 0; i < settings.threads(); i++) {
      workers.submit(this::loop);
    }
    heartbeat = Executors.newSingleThreadScheduledExecutor(named(owner + "-heartbeat"));
    long beat = settings.heartbeatInterval().toMillis();
    heartbeat.scheduleWithFixedDelay(this::beat, 0, beat, TimeUnit.MILLISECONDS);
    log.info("Worker pool {} started: {} threads for job types {}", owner, settings.threads(), handlers.keySet());
  }

  /** Stops claiming, asks running handlers to stop, waits up to the grace period, hands unfinished jobs back. */
  public synchronized void stop() {
    if (workers == null) {
      return;
    }
    stopping = true;
    running.values().forEach(job -> job.requestStop("worker " + owner + " is shutting down"));
    workers.shutdown();
    try {
      if (!workers.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (RunningJob job : running.values()) {
      try {
        if (store.release(job.jobId(), owner, "handed back by a stopping worker")) {
          log.info("Job {} handed back to the queue by stopping worker {}", job.jobId(), owner);
        }
      } catch (RuntimeException e) {
        log.warn("Job {} could not be handed back ({}); its lease will expire", job.jobId(), e.toString());
      }
    }
    heartbeat.shutdownNow();
    try {
      store.workerStopped(owner);
    } catch (RuntimeException e) {
      log.warn("Worker pool {} could not sign off: {}", owner, e.toString());
    }
    workers = null;
    log.info("Worker pool {} stopped", owner);
  }

  /**
   * Simulates a crashed process for tests: threads and heartbeats stop dead, nothing is written, leases are left
   * to expire.
   */
  void halt() {
    halted = true;
    stopping = true;
    heartbeat.shutdownNow();
    workers.shutdownNow();
    workers = null;
  }

  private void loop() {
    while (!stopping) {
      try {
        Optional<Job> claimed = store.claim(owner, handlers.keySet(), settings.leaseDuration());
        databaseAnswered();
        if (claimed.isPresent()) {
          execute(claimed.get());
        } else {
          Thread.sleep(settings.pollInterval().toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (stopping) {
          return;
        }
        if (DatabaseUnavailable.isCause(e)) {
          databaseUnreachable(e);
        } else {
          log.warn("Worker {} could not claim a job: {}", owner, e.toString());
        }
        sleepQuietly(settings.pollInterval());
      }
    }
  }

  private void execute(Job job) {
    RunningJob context = new RunningJob(job, owner, store, 200);
    running.put(job.id(), context);
    MDC.put("jobId", Long.toString(job.id()));
    MDC.put("jobType", job.type());
    long start = System.nanoTime();
    log.info("Job {} ({}) started, attempt {}/{}", job.id(), job.type(), job.attempts(), job.maxAttempts());
    try {
      JobResult result = handlers.get(job.type()).run(context);
      if (halted) {
        return;
      }
      context.checkpoint();
      // the results exist only in this process: keep them until the database takes them
      boolean done =
          Boolean.TRUE.equals(
              untilDatabaseAnswers(
                  () ->
                      transactions.execute(
                          tx -> {
                            JsonNode summary = result.writer().get();
                            if (!store.succeed(job.id(), owner, summary)) {
                              tx.setRollbackOnly();
                              return false;
                            }
                            return true;
                          })));
      log.info(
          "Job {} ({}) {} after {} s",
          job.id(),
          job.type(),
          done ? "succeeded" : "finished but its lease was lost; results discarded",
          seconds(start));
      if (done) {
        events.finished(job.type(), JobStatus.SUCCEEDED, seconds(start));
      }
    } catch (Exception | Error e) {
      if (!halted) {
        recordFailure(job, e, start);
      }
    } finally {
      running.remove(job.id());
      MDC.remove("jobId");
      MDC.remove("jobType");
    }
  }

  /**
   * Cancelled, handed back, failed for good, or failed to be retried: one outcome per kind of exception. Each is
   * written once the database answers; a job whose lease expires meanwhile is the reaper's.
   */
  private void recordFailure(Job job, Throwable e, long start) {
    int lasting = lastingStatus(e);
    if (DatabaseUnavailable.isCause(e) && !(e instanceof JobCancelledException)) {
      // not the job's fault: run it again without spending an attempt
      if (Boolean.TRUE.equals(untilDatabaseAnswers(
          () -> store.release(job.id(), owner, "handed back: the database was unavailable")))) {
        log.info("Job {} ({}) handed back to the queue: the database was unavailable", job.id(), job.type());
      }
    } else if (e instanceof JobCancelledException) {
      untilDatabaseAnswers(() -> store.cancelled(job.id(), owner));
      log.info("Job {} ({}) cancelled after {} s", job.id(), job.type(), seconds(start));
      events.finished(job.type(), JobStatus.CANCELLED, seconds(start));
    } else if (e instanceof WorkerStoppingException || stopping) {
      if (Boolean.TRUE.equals(untilDatabaseAnswers(
          () -> store.release(job.id(), owner, "handed back by a stopping worker")))) {
        log.info("Job {} ({}) handed back to the queue: {}", job.id(), job.type(), e.getMessage());
      } else {
        log.info("Job {} ({}) stopped: {}", job.id(), job.type(), e.getMessage());
      }
    } else if (lasting != 0) {
      // bad parameters, missing or conflicting inputs: another attempt would fail the same way
      untilDatabaseAnswers(() -> store.fail(job.id(), owner, problem(lasting, "Job failed", e.getMessage()), false));
      log.info("Job {} ({}) failed: {}", job.id(), job.type(), e.getMessage());
      events.finished(job.type(), JobStatus.FAILED, seconds(start));
    } else {
      boolean retry = job.attempts() < job.maxAttempts();
      untilDatabaseAnswers(() -> store.fail(job.id(), owner, problem(500, "Job failed", String.valueOf(e)), true));
      log.warn("Job {} ({}) attempt {}/{} failed, {}: {}", job.id(), job.type(), job.attempts(),
          job.maxAttempts(), retry ? "will retry" : "giving up", e.toString(), e);
      if (!retry) {
        events.finished(job.type(), JobStatus.FAILED, seconds(start));
      }
    }
  }

  /**
   * The problem status of a failure that another attempt cannot fix, or 0 when one may: a domain error (a missing,
   * conflicting or invalid input) is lasting, except {@link Unavailable}, which says "not now"; infrastructure
   * failures (I/O, database, bugs) are retried while attempts remain.
   */
  private static int lastingStatus(Throwable e) {
    if (e instanceof JobFailedException f) {
      return f.status();
    }
    if (e instanceof DomainException d && !(d instanceof Unavailable)) {
      return d.status();
    }
    return e instanceof IllegalArgumentException ? 422 : 0;
  }

  private void beat() {
    try {
      store.workerAlive(owner, settings.threads(), settings.leaseDuration());
      List<Long> cancelled = store.heartbeat(running.keySet(), owner, settings.leaseDuration());
      if (!running.isEmpty()) {
        databaseAnswered();
      }
      cancelled.forEach(id -> Optional.ofNullable(running.get(id)).ifPresent(RunningJob::requestCancel));
    } catch (RuntimeException e) {
      if (DatabaseUnavailable.isCause(e)) {
        databaseUnreachable(e);
      } else {
        log.warn("Heartbeat of worker {} failed: {}", owner, e.toString());
      }
    }
  }

  /**
   * Runs a write of a job's outcome, again and again while the database is unreachable, until it answers, the
   * pool is halted or the thread interrupted (then null: the lease expires and the reaper re-queues the job).
   */
  private <T> T untilDatabaseAnswers(Supplier<T> write) {
    while (true) {
      try {
        T result = write.get();
        databaseAnswered();
        return result;
      } catch (RuntimeException e) {
        if (!DatabaseUnavailable.isCause(e) || halted) {
          throw e;
        }
        databaseUnreachable(e);
        try {
          Thread.sleep(OUTCOME_RETRY_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
  }

  private void databaseUnreachable(Throwable e) {
    if (databaseDown.compareAndSet(false, true)) {
      log.warn("Worker pool {} cannot reach the database; running jobs continue, outcomes wait: {}", owner,
          rootCause(e));
    }
  }

  private void databaseAnswered() {
    if (databaseDown.compareAndSet(true, false)) {
      log.info("Worker pool {} reaches the database again", owner);
    }
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }

  private ObjectNode problem(int status, String title, String detail) {
    ObjectNode node = json.createObjectNode();
    node.put("type", "about:blank");
    node.put("title", title);
    node.put("status", status);
    node.put("detail", detail);
    return node;
  }

  private static double seconds(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 1e6) / 1e3;
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
