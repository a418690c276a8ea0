package io.snmfservice.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings under {@code snmf.security.*}.
 *
 * @param mode {@code keys}: every request but health needs an API key; {@code open}: no keys, only allowed when
 *     the server binds to a loopback address
 * @param bootstrapAdminKey an admin key to create at start (stored hashed); without it and without any key in the
 *     database, one is generated into {@code <data-dir>/admin.key}
 * @param quota per-key limits
 * @param failedAuthenticationsPerMinute keys that fail to authenticate (unknown, revoked, expired; API or dashboard
 *     sign-in) that one client address may present per minute (a bucket of that size); beyond, its requests with
 *     keys this replica has not recently seen get 429 without a database lookup
 */
@Validated
@ConfigurationProperties("snmf.security")
public record SecurityProperties(
    @DefaultValue("keys") @NotNull Mode mode,
    String bootstrapAdminKey,
    @DefaultValue @Valid Quota quota,
    @DefaultValue("30") @Min(1) int failedAuthenticationsPerMinute) {

  public enum Mode {
    KEYS, OPEN
  }

  /**
   * @param maxActiveJobs queued + running jobs one key may have
   * @param requestsPerSecond sustained request rate of one key (token bucket refill)
   * @param burst requests one key may send at once (bucket capacity)
   * @param steerConcurrency synchronous computations one key may have running (POST /v1/steer, the playground,
   *     POST /v1/vector-sets/{id}/encode); the replica's own limit is {@code snmf.limits.compute-concurrency}
   * @param adminExempt whether admin keys skip these limits
   * @param retryAfter what {@code Retry-After} says when the job quota is full
   */
  public record Quota(
      @DefaultValue("20") @Min(1) int maxActiveJobs,
      @DefaultValue("50") @Min(1) int requestsPerSecond,
      @DefaultValue("200") @Min(1) int burst,
      @DefaultValue("1") @Min(1) int steerConcurrency,
      @DefaultValue("true") boolean adminExempt,
      @DefaultValue("30s") Duration retryAfter) {

    /** Whether the quotas apply to this caller: a key's (not open mode's, not a worker's), unless an exempt admin. */
    public boolean appliesTo(Caller caller) {
      return caller != null && caller.keyId() != null && !(adminExempt && caller.isAdmin());
    }
  }
}
