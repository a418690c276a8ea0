package io.snmfservice.security;

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Per-key request rate: a token bucket of {@code burst} requests refilled at {@code requestsPerSecond}. Buckets
 * live in this replica's memory, so with N API replicas a key may reach N times the rate.
 */
final class RateLimitFilter extends OncePerRequestFilter {

  private final SecurityProperties.Quota quota;
  private final ProblemWriter problems;
  private final RefusalLog refusals;
  private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimitFilter(SecurityProperties.Quota quota, ProblemWriter problems, RefusalLog refusals) {
    this.quota = quota;
    this.problems = problems;
    this.refusals = refusals;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Caller caller = Caller.current().orElse(null);
    if (!quota.appliesTo(caller)) {
      chain.doFilter(request, response);
      return;
    }
    ConsumptionProbe probe = buckets.computeIfAbsent(caller.keyId(), id -> newBucket()).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      chain.doFilter(request, response);
      return;
    }
    long seconds = Math.max(1, (long) Math.ceil(probe.getNanosToWaitForRefill() / 1e9));
    String detail = "API key '" + caller.name() + "' is over its request rate of " + quota.requestsPerSecond()
        + " per second (burst " + quota.burst() + "); retry in " + seconds + " s";
    refusals.tooManyRequests(request, "request-rate", detail);
    response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, detail);
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(quota.burst())
            .refillGreedy(quota.requestsPerSecond(), Duration.ofSeconds(1)).build())
        .build();
  }
}
