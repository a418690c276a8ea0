package io.snmfservice.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.snmfservice.web.ProblemWriter;
import io.snmfservice.web.RefusalLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Per-key request rate: a token bucket of {@code burst} requests refilled at {@code requestsPerSecond}. The API and
 * the dashboard (signed in with a key) take from the same bucket of a key; requests the dashboard serves without a
 * key (the login form and its POST, the docs) from a bucket per client address. Buckets live in this replica's
 * memory, so with N API replicas a key may reach N times the rate.
 */
final class RateLimitFilter extends OncePerRequestFilter {

  private final Buckets buckets;
  private final ProblemWriter problems;
  private final RefusalLog refusals;
  private final boolean anonymousByAddress;

  /**
   * @param anonymousByAddress whether requests without a key take from their client address's bucket (the
   *     dashboard) or pass (the API, which answers them 401)
   */
  RateLimitFilter(Buckets buckets, ProblemWriter problems, RefusalLog refusals, boolean anonymousByAddress) {
    this.buckets = buckets;
    this.problems = problems;
    this.refusals = refusals;
    this.anonymousByAddress = anonymousByAddress;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Caller caller = Caller.current().orElse(null);
    SecurityProperties.Quota quota = buckets.quota;
    Object bucketKey;
    String who;
    if (caller != null && caller.keyId() != null) {
      if (!quota.appliesTo(caller)) {
        chain.doFilter(request, response);
        return;
      }
      bucketKey = caller.keyId();
      who = "API key '" + caller.name() + "'";
    } else if (caller == null && anonymousByAddress) {
      bucketKey = request.getRemoteAddr();
      who = "client " + request.getRemoteAddr();
    } else {
      chain.doFilter(request, response);
      return;
    }
    ConsumptionProbe probe = buckets.of(bucketKey).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      chain.doFilter(request, response);
      return;
    }
    long seconds = Math.max(1, (long) Math.ceil(probe.getNanosToWaitForRefill() / 1e9));
    String detail = who + " is over its request rate of " + quota.requestsPerSecond() + " per second (burst "
        + quota.burst() + "); retry in " + seconds + " s";
    refusals.tooManyRequests(request, "request-rate", detail);
    response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, detail);
  }

  /**
   * The replica's buckets, one per key id or client address, shared by the API's and the dashboard's filter. A
   * bucket unused for as long as it takes to refill is full again, so it is dropped then: client addresses are
   * many.
   */
  @Component
  static final class Buckets {

    private final SecurityProperties.Quota quota;
    private final Cache<Object, Bucket> byKey;

    Buckets(SecurityProperties settings) {
      this.quota = settings.quota();
      long refillSeconds = (quota.burst() + quota.requestsPerSecond() - 1) / quota.requestsPerSecond();
      this.byKey = Caffeine.newBuilder().expireAfterAccess(Duration.ofSeconds(refillSeconds + 1))
          .maximumSize(100_000).build();
    }

    Bucket of(Object key) {
      return byKey.get(key, k -> Bucket.builder()
          .addLimit(Bandwidth.builder().capacity(quota.burst())
              .refillGreedy(quota.requestsPerSecond(), Duration.ofSeconds(1)).build())
          .build());
    }
  }
}
