package io.snmfservice.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.snmfservice.audit.AuditLog;
import io.snmfservice.web.RefusalLog;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keys that fail to authenticate, over the API or the dashboard's sign-in: each is counted and logged (through
 * {@link RefusalLog}), a revoked or expired key is written to the audit trail under its own name, and each client
 * address has a budget of failures ({@code snmf.security.failed-authentications-per-minute}). An address that has
 * spent it gets 429 for keys this replica has not recently seen, so guessing keys cannot cost a database query each.
 */
@Component
class AuthenticationFailures {

  private static final Logger log = LoggerFactory.getLogger(AuthenticationFailures.class);

  private final ApiKeys keys;
  private final AuditLog audit;
  private final RefusalLog refusals;
  private final int perMinute;
  private final Cache<String, Bucket> addresses = Caffeine.newBuilder()
      .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

  AuthenticationFailures(ApiKeys keys, AuditLog audit, RefusalLog refusals, SecurityProperties settings) {
    this.keys = keys;
    this.audit = audit;
    this.refusals = refusals;
    this.perMinute = settings.failedAuthenticationsPerMinute();
  }

  /**
   * Seconds until this request's address may present an unfamiliar key again, or 0 when it may now: an address
   * within its budget, or a key this replica has cached as valid, passes.
   */
  long waitBeforeTrying(HttpServletRequest request, String presentedKey) {
    Bucket bucket = addresses.getIfPresent(request.getRemoteAddr());
    if (bucket == null || bucket.getAvailableTokens() > 0
        || (presentedKey != null && keys.cachedCaller(presentedKey).isPresent())) {
      return 0;
    }
    return Math.max(1, (long) Math.ceil(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill() / 1e9));
  }

  /** The budget an address gets, for messages. */
  int perMinute() {
    return perMinute;
  }

  /**
   * Records a key that did not authenticate.
   *
   * @param channel {@code api} or {@code dashboard}
   * @param presentedKey the key as sent, or null when the header was malformed
   */
  void failed(HttpServletRequest request, String channel, String presentedKey) {
    addresses.get(request.getRemoteAddr(), a -> newBucket()).tryConsume(1);
    String reason = "malformed";
    if (presentedKey != null) {
      Optional<ApiKeys.InactiveKey> known = lookUp(presentedKey);
      reason = known.map(ApiKeys.InactiveKey::reason).orElse("unknown");
      known.ifPresent(k -> record(k, channel, request));
    }
    refusals.failedAuthentication(request, channel, reason);
  }

  private Optional<ApiKeys.InactiveKey> lookUp(String presentedKey) {
    try {
      return keys.inactive(presentedKey);
    } catch (RuntimeException e) { // the request is refused either way; the database may be what failed
      log.warn("Could not look up a refused key: {}", e.getMessage());
      return Optional.empty();
    }
  }

  private void record(ApiKeys.InactiveKey key, String channel, HttpServletRequest request) {
    try {
      audit.record(key.id(), key.name(), "AUTHENTICATE " + channel + " (" + key.reason() + " key)",
          request.getRequestURI(), request.getRequestURI(), 401);
    } catch (RuntimeException e) {
      log.error("Could not write the audit entry for refused key {}: {}", key.id(), e.getMessage());
    }
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
        .build();
  }
}
