package io.snmfservice.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * All state transitions of the {@code job} table, each one guarded UPDATE. A worker may change a running job
 * only while it holds the lease ({@code lease_owner = ?}), so a worker that lost its lease cannot overwrite the
 * job's new owner.
 */
public class JobStore {

  private static final String COLUMNS =
      "id, type, params::text AS params, status, stage, progress, eta_seconds, message, priority, attempts,"
          + " max_attempts, cancel_requested, lease_owner, lease_expires_at, heartbeat_at, error::text AS error,"
          + " result::text AS result, idempotency_key, created_at, started_at, finished_at, updated_at, created_by,"
          + " parent_id, children_share, (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE jsonb_build_object('total', count(*),"
          + " 'queued', count(*) FILTER (WHERE c.status = 'QUEUED'),"
          + " 'running', count(*) FILTER (WHERE c.status = 'RUNNING'),"
          + " 'succeeded', count(*) FILTER (WHERE c.status = 'SUCCEEDED'),"
          + " 'failed', count(*) FILTER (WHERE c.status = 'FAILED'),"
          + " 'cancelled', count(*) FILTER (WHERE c.status = 'CANCELLED'),"
          + " 'progress', avg(c.progress), 'etaSeconds', max(c.eta_seconds),"
          + " 'stage', min(c.stage) FILTER (WHERE c.status = 'RUNNING'),"
          + " 'ids', jsonb_agg(c.id ORDER BY c.id))::text END FROM job c WHERE c.parent_id = job.id) AS children";

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final RowMapper<Job> rowMapper = this::mapRow;

  public JobStore(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /**
   * Inserts a queued job owned by API key {@code owner} (null: no key), or returns the id of the job that owner
   * already submitted under this idempotency key (keys are scoped per owner).
   */
  public long insert(String type, JsonNode params, int priority, int maxAttempts, String idempotencyKey, Long owner) {
    Optional<Long> id =
        jdbc.sql(
                "INSERT INTO job (type, params, priority, max_attempts, idempotency_key, created_by)"
                    + " VALUES (?, ?::jsonb, ?, ?, ?, ?) ON CONFLICT (coalesce(created_by, 0), idempotency_key)"
                    + " WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id")
            .params(type, json.writeValueAsString(params), priority, maxAttempts, idempotencyKey, owner)
            .query(Long.class)
            .optional();
    return id.orElseGet(
        () ->
            jdbc.sql("SELECT id FROM job WHERE idempotency_key = ? AND coalesce(created_by, 0) = coalesce(?, 0)")
                .params(idempotencyKey, owner)
                .query(Long.class)
                .single());
  }

  /**
   * Inserts a queued job and its children in one statement (all or nothing); with an idempotency key already used
   * by this owner, nothing is inserted and the existing job's id is returned. The parent is claimed only once no
   * child is queued or running.
   */
  public long insertWithChildren(String type, JsonNode params, int priority, int maxAttempts, String idempotencyKey,
      Long owner, String childType, List<JsonNode> children, double childrenShare) {
    Optional<Long> id =
        jdbc.sql(
                "WITH parent AS (INSERT INTO job (type, params, priority, max_attempts, idempotency_key, created_by,"
                    + " children_share) VALUES (?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT (coalesce(created_by, 0), idempotency_key)"
                    + " WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id),"
                    + " kids AS (INSERT INTO job (type, params, priority, max_attempts, created_by, parent_id)"
                    + " SELECT ?, c.p::jsonb, ?, ?, ?, parent.id FROM parent,"
                    + " unnest(CAST(? AS text[])) WITH ORDINALITY AS c(p, ord) ORDER BY c.ord)"
                    + " SELECT id FROM parent")
            .params(type, json.writeValueAsString(params), priority, maxAttempts, idempotencyKey, owner, childrenShare,
                childType, priority, maxAttempts, owner,
                children.stream().map(json::writeValueAsString).toArray(String[]::new))
            .query(Long.class)
            .optional();
    return id.orElseGet(() -> insert(type, params, priority, maxAttempts, idempotencyKey, owner));
  }

  /** The children of a job, in the order they were submitted. */
  public List<Job> children(long parentId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM job WHERE parent_id = ? ORDER BY id")
        .param(parentId)
        .query(rowMapper)
        .list();
  }

  /** Renews the row of a live worker pool until {@code ttl} from now. */
  public void workerAlive(String owner, int threads, Duration ttl) {
    jdbc.sql("INSERT INTO worker (owner, threads, expires_at) VALUES (?, ?, now() + ? * interval '1 millisecond')"
            + " ON CONFLICT (owner) DO UPDATE SET threads = EXCLUDED.threads, expires_at = EXCLUDED.expires_at")
        .params(owner, threads, ttl.toMillis())
        .update();
  }

  public void workerStopped(String owner) {
    jdbc.sql("DELETE FROM worker WHERE owner = ? OR expires_at < now() - interval '1 day'").param(owner).update();
  }

  /** Worker pools whose heartbeat has not expired. */
  public int liveWorkers() {
    return jdbc.sql("SELECT count(*) FROM worker WHERE expires_at > now()").query(Integer.class).single();
  }

  /**
   * Serialises job submissions of one owner until the current transaction ends, so that counting its active jobs
   * and inserting a new one happen as one step.
   */
  public void lockSubmissionsOf(long owner) {
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('job_quota'), hashtext(?::text))").param(owner)
        .query(Object.class).optional();
  }

  /** Queued and running jobs of one owner, for the per-key job quota (children count with their parent). */
  public long countActive(long owner) {
    return jdbc.sql("SELECT count(*) FROM job WHERE created_by = ? AND parent_id IS NULL"
            + " AND status IN ('QUEUED', 'RUNNING')")
        .param(owner)
        .query(Long.class)
        .single();
  }

  /** Whether job {@code id} has this type and these parameters (compared as jsonb: key order does not matter). */
  public boolean isSameRequest(long id, String type, JsonNode params) {
    return jdbc.sql("SELECT type = ? AND params = ?::jsonb FROM job WHERE id = ?")
        .params(type, json.writeValueAsString(params), id)
        .query(Boolean.class)
        .single();
  }

  public Optional<Job> find(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM job WHERE id = ?").param(id).query(rowMapper).optional();
  }

  /** The jobs of {@code ids} that exist, in one query (event streams' shared poll). */
  public List<Job> findAll(Collection<Long> ids) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM job WHERE id = ANY(?)").param(ids.toArray(Long[]::new))
        .query(rowMapper).list();
  }

  /** Changes whenever a job is added, removed or updated: the row count and the latest update. */
  public String version() {
    return jdbc.sql("SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') FROM job").query(String.class)
        .single();
  }

  public Optional<Job> findByIdempotencyKey(String key, Long owner) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM job WHERE idempotency_key = ? AND coalesce(created_by, 0) = coalesce(?, 0)")
        .params(key, owner)
        .query(rowMapper)
        .optional();
  }

  public List<Job> list(JobStatus status, String type, int offset, int limit) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM job WHERE (CAST(? AS TEXT) IS NULL OR status = ?)"
                + " AND (CAST(? AS TEXT) IS NULL OR type = ?) ORDER BY id DESC OFFSET ? LIMIT ?")
        .params(name(status), name(status), type, type, offset, limit)
        .query(rowMapper)
        .list();
  }

  public long count(JobStatus status, String type) {
    return jdbc.sql(
            "SELECT count(*) FROM job WHERE (CAST(? AS TEXT) IS NULL OR status = ?)"
                + " AND (CAST(? AS TEXT) IS NULL OR type = ?)")
        .params(name(status), name(status), type, type)
        .query(Long.class)
        .single();
  }

  /**
   * Claims the queued job of one of {@code types} with the highest priority (oldest first) for {@code owner}.
   * SKIP LOCKED lets concurrent workers each take a different row without waiting for each other.
   */
  public Optional<Job> claim(String owner, Collection<String> types, Duration lease) {
    return jdbc.sql(
            "UPDATE job SET status = 'RUNNING', attempts = attempts + 1, lease_owner = ?,"
                + " lease_expires_at = now() + ? * interval '1 millisecond', heartbeat_at = now(),"
                + " started_at = coalesce(started_at, now()), stage = 'starting', message = NULL,"
                + " updated_at = now()"
                + " WHERE id = (SELECT q.id FROM job q WHERE q.status = 'QUEUED' AND q.type = ANY(?)"
                + " AND NOT EXISTS (SELECT 1 FROM job c WHERE c.parent_id = q.id AND c.status IN ('QUEUED', 'RUNNING'))"
                + " ORDER BY q.priority DESC, q.id FOR UPDATE OF q SKIP LOCKED LIMIT 1)"
                + " RETURNING " + COLUMNS)
        .params(owner, lease.toMillis(), types.toArray(String[]::new))
        .query(rowMapper)
        .optional();
  }

  /**
   * Renews the leases of {@code ids} held by {@code owner}; returns the ids whose cancellation was requested. An
   * expired lease is not renewed (e.g. after a database outage longer than the lease): the reaper re-queues that
   * job, so whether it runs again does not depend on which of the two comes first.
   */
  public List<Long> heartbeat(Collection<Long> ids, String owner, Duration lease) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            "UPDATE job SET heartbeat_at = now(), lease_expires_at = now() + ? * interval '1 millisecond'"
                + " WHERE id = ANY(?) AND status = 'RUNNING' AND lease_owner = ? AND lease_expires_at >= now()"
                + " RETURNING id, cancel_requested")
        .params(lease.toMillis(), ids.toArray(Long[]::new), owner)
        .query((rs, i) -> rs.getBoolean("cancel_requested") ? rs.getLong("id") : null)
        .list()
        .stream()
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /**
   * Records progress of a job this owner holds. Empty when the lease is lost; otherwise whether cancellation has
   * been requested.
   */
  public Optional<Boolean> reportProgress(
      long id, String owner, String stage, double progress, Double etaSeconds, String message) {
    return jdbc.sql(
            "UPDATE job SET stage = ?, progress = ?, eta_seconds = ?, message = ?, updated_at = now()"
                + " WHERE id = ? AND status = 'RUNNING' AND lease_owner = ? RETURNING cancel_requested")
        .params(stage, progress, etaSeconds, message, id, owner)
        .query(Boolean.class)
        .optional();
  }

  /**
   * RUNNING → SUCCEEDED for the holder of a valid lease; false when the lease was lost or has expired (e.g. the
   * database was down for longer than the lease): such a job is re-queued by the reaper and runs again, whichever
   * of the two reaches the database first.
   */
  public boolean succeed(long id, String owner, JsonNode result) {
    return jdbc.sql(
                "UPDATE job SET status = 'SUCCEEDED', progress = 1, eta_seconds = 0, stage = 'done',"
                    + " result = ?::jsonb, finished_at = now(), lease_owner = NULL, lease_expires_at = NULL,"
                    + " updated_at = now() WHERE id = ? AND status = 'RUNNING' AND lease_owner = ?"
                    + " AND lease_expires_at >= now()")
            .params(result == null ? null : json.writeValueAsString(result), id, owner)
            .update()
        == 1;
  }

  /**
   * RUNNING → QUEUED (retry) or FAILED for the lease holder: retried while attempts remain and the error is
   * retryable.
   */
  public boolean fail(long id, String owner, JsonNode problem, boolean retryable) {
    return jdbc.sql(
                "UPDATE job SET status = CASE WHEN ? AND attempts < max_attempts THEN 'QUEUED' ELSE 'FAILED' END,"
                    + " error = ?::jsonb, finished_at = CASE WHEN ? AND attempts < max_attempts THEN NULL"
                    + " ELSE now() END, lease_owner = NULL, lease_expires_at = NULL, eta_seconds = NULL,"
                    + " updated_at = now() WHERE id = ? AND status = 'RUNNING' AND lease_owner = ?")
            .params(retryable, json.writeValueAsString(problem), retryable, id, owner)
            .update()
        == 1;
  }

  /** RUNNING → CANCELLED for the lease holder, after the handler stopped on request. */
  public boolean cancelled(long id, String owner) {
    return jdbc.sql(
                "UPDATE job SET status = 'CANCELLED', finished_at = now(), lease_owner = NULL,"
                    + " lease_expires_at = NULL, eta_seconds = NULL, updated_at = now()"
                    + " WHERE id = ? AND status = 'RUNNING' AND lease_owner = ?")
            .params(id, owner)
            .update()
        == 1;
  }

  /**
   * RUNNING → QUEUED without spending an attempt: the worker shuts down, or the job was interrupted by a database
   * outage, and hands it back; {@code reason} becomes the job's message.
   */
  public boolean release(long id, String owner, String reason) {
    return jdbc.sql(
                "UPDATE job SET status = 'QUEUED', attempts = greatest(attempts - 1, 0), lease_owner = NULL,"
                    + " lease_expires_at = NULL, stage = 'queued', message = ?,"
                    + " updated_at = now() WHERE id = ? AND status = 'RUNNING' AND lease_owner = ?")
            .params(reason, id, owner)
            .update()
        == 1;
  }

  /**
   * Cancellation by a client: a queued job is cancelled at once; a running one is flagged and stops at its next
   * progress report; the job's unfinished children likewise. Returns the status after the request, or empty if
   * the job does not exist.
   */
  public Optional<JobStatus> requestCancel(long id) {
    return jdbc.sql(
            "UPDATE job SET status = CASE WHEN status = 'QUEUED' THEN 'CANCELLED' ELSE status END,"
                + " cancel_requested = cancel_requested OR status = 'RUNNING',"
                + " finished_at = CASE WHEN status = 'QUEUED' THEN now() ELSE finished_at END,"
                + " updated_at = now() WHERE (id = ? OR parent_id = ?) AND status IN ('QUEUED', 'RUNNING')"
                + " RETURNING id, status")
        .params(id, id)
        .query((rs, i) -> rs.getLong(1) == id ? JobStatus.valueOf(rs.getString(2)) : null)
        .list()
        .stream()
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .or(() -> find(id).map(Job::status));
  }

  /**
   * Jobs whose worker stopped heart-beating: back to the queue, or FAILED once max attempts are spent (CANCELLED
   * if a cancel was pending). Returns the number of jobs reaped.
   */
  public int reapExpiredLeases() {
    return jdbc.sql(
            "UPDATE job SET status = CASE WHEN cancel_requested THEN 'CANCELLED'"
                + " WHEN attempts >= max_attempts THEN 'FAILED' ELSE 'QUEUED' END,"
                + " error = CASE WHEN NOT cancel_requested AND attempts >= max_attempts THEN"
                + " jsonb_build_object('type', 'about:blank', 'title', 'Lease expired', 'status', 500,"
                + " 'detail', 'worker ' || lease_owner || ' stopped heart-beating; max attempts reached')"
                + " ELSE error END,"
                + " finished_at = CASE WHEN cancel_requested OR attempts >= max_attempts THEN now() END,"
                + " message = 'lease of ' || lease_owner || ' expired', lease_owner = NULL,"
                + " lease_expires_at = NULL, updated_at = now()"
                + " WHERE status = 'RUNNING' AND lease_expires_at < now()")
        .update();
  }

  private Job mapRow(ResultSet rs, int rowNum) throws SQLException {
    return new Job(
        rs.getLong("id"),
        rs.getString("type"),
        readJson(rs.getString("params")),
        JobStatus.valueOf(rs.getString("status")),
        rs.getString("stage"),
        rs.getDouble("progress"),
        (Double) rs.getObject("eta_seconds"),
        rs.getString("message"),
        rs.getInt("priority"),
        rs.getInt("attempts"),
        rs.getInt("max_attempts"),
        rs.getBoolean("cancel_requested"),
        rs.getString("lease_owner"),
        instant(rs.getTimestamp("lease_expires_at")),
        instant(rs.getTimestamp("heartbeat_at")),
        readJson(rs.getString("error")),
        readJson(rs.getString("result")),
        rs.getString("idempotency_key"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("finished_at")),
        instant(rs.getTimestamp("updated_at")),
        rs.getObject("created_by", Long.class),
        rs.getObject("parent_id", Long.class),
        (Double) rs.getObject("children_share"),
        readJson(rs.getString("children")));
  }

  private JsonNode readJson(String text) {
    return text == null ? null : json.readTree(text);
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }

  private static String name(JobStatus status) {
    return status == null ? null : status.name();
  }
}
