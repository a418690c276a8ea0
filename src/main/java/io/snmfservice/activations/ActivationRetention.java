package io.snmfservice.activations;

import io.snmfservice.audit.AuditLog;
import io.snmfservice.config.PeriodicTask;
import io.snmfservice.errors.Conflict;
import io.snmfservice.errors.NotFound;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Optional retention of the activation store: sets that no factorization uses and that no job reused for
 * {@code snmf.activations.retention} are deleted, each deletion audited (no key: the service did it). Off by default.
 */
@Component
class ActivationRetention extends PeriodicTask {

  private static final Logger log = LoggerFactory.getLogger(ActivationRetention.class);

  private final ActivationStoreProperties settings;
  private final ActivationSetDeletion deletion;
  private final JdbcClient jdbc;
  private final AuditLog audit;

  ActivationRetention(ActivationStoreProperties settings, ActivationSetDeletion deletion, JdbcClient jdbc,
      AuditLog audit) {
    super("activation-retention");
    this.settings = settings;
    this.deletion = deletion;
    this.jdbc = jdbc;
    this.audit = audit;
  }

  /** Deletes the sets unused for longer than the retention; returns how many were deleted. */
  int sweep() {
    List<Long> stale = jdbc.sql("SELECT id FROM activation_set s WHERE coalesce(s.last_used_at, s.created_at)"
            + " < now() - ? * interval '1 millisecond'"
            + " AND NOT EXISTS (SELECT 1 FROM factorization f WHERE f.activation_set_id = s.id) ORDER BY id")
        .param(settings.retention().toMillis()).query(Long.class).list();
    int deleted = 0;
    for (long id : stale) {
      try {
        long freed = deletion.delete(id);
        audit.record(null, "retention", "DELETE /v1/activations/{id}", "/v1/activations/" + id,
            "/v1/activations/" + id, 204);
        log.info("Retention deleted activation set {}, unused for more than {} ({} bytes)", id,
            settings.retention(), freed);
        deleted++;
      } catch (NotFound | Conflict e) {
        log.info("Retention kept activation set {}: {}", id, e.getMessage()); // a job needs it, or it is gone
      }
    }
    return deleted;
  }

  @Override
  protected void runOnce() {
    sweep();
  }

  @Override
  protected boolean enabled() {
    return !settings.retention().isZero() && !settings.retention().isNegative();
  }

  @Override
  protected Duration period() {
    return settings.retentionCheck();
  }

  @Override
  public void start() {
    super.start();
    if (isRunning()) {
      log.info("Activation sets unused for {} are deleted (checked every {})", settings.retention(),
          settings.retentionCheck());
    }
  }
}
