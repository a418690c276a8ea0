package io.snmfservice.activations;

import io.snmfservice.audit.AuditLog;
import io.snmfservice.web.ApiException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Optional retention of the activation store: sets that no factorization uses and that no job reused for
 * {@code snmf.activations.retention} are deleted, each deletion audited (no key: the service did it). Off by default.
 */
@Component
class ActivationRetention implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ActivationRetention.class);

  private final ActivationStoreProperties settings;
  private final ActivationSetDeletion deletion;
  private final JdbcClient jdbc;
  private final AuditLog audit;
  private ScheduledExecutorService scheduler;

  ActivationRetention(ActivationStoreProperties settings, ActivationSetDeletion deletion, JdbcClient jdbc,
      AuditLog audit) {
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
      } catch (ApiException e) {
        log.info("Retention kept activation set {}: {}", id, e.getMessage()); // a job needs it, or it is gone
      }
    }
    return deleted;
  }

  @Override
  public void start() {
    if (settings.retention().isZero() || settings.retention().isNegative()) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "activation-retention"));
    long every = settings.retentionCheck().toMillis();
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        sweep();
      } catch (RuntimeException e) {
        log.warn("Activation retention sweep failed: {}", e.getMessage());
      }
    }, every, every, TimeUnit.MILLISECONDS);
    log.info("Activation sets unused for {} are deleted (checked every {})", settings.retention(),
        settings.retentionCheck());
  }

  @Override
  public void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  @Override
  public boolean isRunning() {
    return scheduler != null;
  }
}
