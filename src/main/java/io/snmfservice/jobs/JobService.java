package io.snmfservice.jobs;

import io.snmfservice.errors.Conflict;
import io.snmfservice.errors.Forbidden;
import io.snmfservice.errors.NotFound;
import io.snmfservice.errors.Unavailable;
import io.snmfservice.security.Caller;
import io.snmfservice.security.SecurityProperties;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Submitting, reading and cancelling jobs: the API side of the queue. Jobs belong to the API key that submitted
 * them: idempotency keys are scoped per key, each key has a quota of queued + running jobs, and only the owner or
 * an admin may cancel.
 */
public class JobService {

  private final JobStore store;
  private final TransactionTemplate transactions;
  private final JobEvents events;
  private final SecurityProperties.Quota quota;
  private final int maxAttempts;

  /** @param maxAttempts attempts each new job gets ({@code snmf.workers.max-attempts}) */
  public JobService(JobStore store, TransactionTemplate transactions, JobEvents events, SecurityProperties.Quota quota,
      int maxAttempts) {
    this.store = store;
    this.transactions = transactions;
    this.events = events;
    this.quota = quota;
    this.maxAttempts = maxAttempts;
  }

  /**
   * Queues a job for the current caller. With an idempotency key, a repeated submission returns the job created
   * first; reusing the key for a different request is a conflict. A caller at its job quota gets 429.
   */
  public Job submit(String type, JsonNode params, int priority, String idempotencyKey) {
    return submit(type, params, idempotencyKey,
        owner -> store.insert(type, params, priority, maxAttempts, idempotencyKey, owner));
  }

  /**
   * Queues a job together with child jobs it waits for (e.g. shards of one piece of work); the parent runs once no
   * child is queued or running and sees them through {@link JobContext#children()}. Idempotency and quota as in
   * {@link #submit}: the whole group counts as one job.
   *
   * @param childrenShare the part of the parent's progress the children make up (its view while it waits)
   */
  public Job submitWithChildren(String type, JsonNode params, int priority, String idempotencyKey,
      String childType, List<JsonNode> children, double childrenShare) {
    return submit(type, params, idempotencyKey, owner -> store.insertWithChildren(
        type, params, priority, maxAttempts, idempotencyKey, owner, childType, children, childrenShare));
  }

  /** Idempotency, quota and the submitted event around one insert (given the owner's key id, returns the job id). */
  private Job submit(String type, JsonNode params, String idempotencyKey, ToLongFunction<Long> insert) {
    Long owner = Caller.currentKeyId();
    if (idempotencyKey != null) {
      Optional<Job> existing = store.findByIdempotencyKey(idempotencyKey, owner);
      if (existing.isPresent()) {
        return sameRequestOrConflict(existing.get(), type, params);
      }
    }
    // The count and the insert run under one lock per key, so concurrent submissions cannot pass the quota together
    // (the lock is held until the transaction, possibly the caller's, commits).
    long id = transactions.execute(tx -> {
      checkQuota();
      return insert.applyAsLong(owner);
    });
    Job job = get(id);
    if (idempotencyKey != null) {
      sameRequestOrConflict(job, type, params);
    }
    events.submitted(type);
    return job;
  }

  /** Worker pools now heart-beating, at least 1 (a queue nobody serves yet still counts as one). */
  public int liveWorkers() {
    return Math.max(1, store.liveWorkers());
  }

  /** Throws 429 when the current caller already has its quota of queued and running jobs. */
  private void checkQuota() {
    Caller caller = Caller.current().orElse(null);
    if (!quota.appliesTo(caller)) {
      return;
    }
    store.lockSubmissionsOf(caller.keyId());
    long active = store.countActive(caller.keyId());
    if (active >= quota.maxActiveJobs()) {
      throw Unavailable.limitReached("job-quota", "API key '" + caller.name() + "' has " + active
          + " queued or running jobs, its quota is " + quota.maxActiveJobs() + "; retry when some have finished",
          quota.retryAfter().toSeconds());
    }
  }

  public Job get(long id) {
    return store.find(id).orElseThrow(() -> new NotFound("job", id));
  }

  /** The current caller's job under this idempotency key. */
  public Optional<Job> findByIdempotencyKey(String key) {
    return store.findByIdempotencyKey(key, Caller.currentKeyId());
  }

  public Optional<Job> find(long id) {
    return store.find(id);
  }

  public List<Job> findAll(java.util.Collection<Long> ids) {
    return store.findAll(ids);
  }

  /** A value that changes whenever any job changes. */
  public String version() {
    return store.version();
  }

  public List<Job> list(JobStatus status, String type, int page, int size) {
    return store.list(status, type, page * size, size);
  }

  public long count(JobStatus status, String type) {
    return store.count(status, type);
  }

  /**
   * Cancels a queued job at once or flags a running one; a finished job cannot be cancelled (409). Only the key
   * that submitted the job, or an admin, may cancel it (403).
   */
  public Job cancel(long id) {
    Job job = get(id);
    Caller.current().ifPresent(caller -> {
      if (!caller.isAdmin() && !java.util.Objects.equals(caller.keyId(), job.createdBy())) {
        throw new Forbidden("job " + id + " was submitted by another API key; only its owner or an admin"
            + " may cancel it");
      }
    });
    if (job.status().isTerminal()) {
      throw new Conflict("job " + id + " has already finished with status " + job.status());
    }
    store.requestCancel(id);
    return get(id);
  }

  private Job sameRequestOrConflict(Job existing, String type, JsonNode params) {
    if (!store.isSameRequest(existing.id(), type, params)) {
      throw new Conflict(
          "Idempotency-Key was already used for a different request (job " + existing.id() + ")");
    }
    return existing;
  }
}
