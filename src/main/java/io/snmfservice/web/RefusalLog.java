package io.snmfservice.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Requests the service refused to serve: over a limit (429, or 503 for the replica's own), or with a key that does
 * not authenticate (401, failed dashboard sign-ins). Each is counted ({@code snmf_requests_refused_total{kind,reason}}); the log gets at most one
 * line per caller (key, else client address) and reason a minute, with how many were refused since, so that a
 * flood cannot flood the log too.
 */
@Component
public class RefusalLog {

  private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);
  static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

  /** Per caller and reason: when the last line was written and how many refusals came since. */
  private static final class Window {
    long startedAt;
    long unlogged;
  }

  private final MeterRegistry meters;
  private final Cache<String, Window> windows = Caffeine.newBuilder()
      .expireAfterAccess(LOG_INTERVAL.multipliedBy(2)).maximumSize(10_000).build();

  public RefusalLog(MeterRegistry meters) {
    this.meters = meters;
  }

  /** A 429: {@code limit} names what was exceeded (request-rate, job-quota, compute, streams, ...). */
  public void tooManyRequests(HttpServletRequest request, String limit, String detail) {
    record(request, "too-many-requests", limit, detail);
  }

  /** A 503 because the replica is at a limit of its own (e.g. request bodies in flight), not the caller's. */
  public void overloaded(HttpServletRequest request, String limit, String detail) {
    record(request, "overloaded", limit, detail);
  }

  /** A key that did not authenticate: {@code reason} is unknown, revoked, expired or malformed. */
  public void failedAuthentication(HttpServletRequest request, String channel, String reason) {
    record(request, "failed-authentication", channel + "-" + reason,
        channel + " authentication with " + reason + " key");
  }

  private void record(HttpServletRequest request, String kind, String reason, String detail) {
    Counter.builder("snmf.requests.refused").description("Requests refused: over a limit or not authenticated")
        .tag("kind", kind).tag("reason", reason).register(meters).increment();
    String who = caller(request);
    long now = System.nanoTime();
    long[] skipped = {-1};
    windows.asMap().compute(kind + "|" + reason + "|" + who, (k, w) -> {
      if (w == null || now - w.startedAt >= LOG_INTERVAL.toNanos()) {
        skipped[0] = w == null ? 0 : w.unlogged;
        w = new Window();
        w.startedAt = now;
      } else {
        w.unlogged++;
      }
      return w;
    });
    if (skipped[0] >= 0) {
      log.warn("Refused {} {} from {}: {}{}", request.getMethod(), request.getRequestURI(), who, detail,
          skipped[0] == 0 ? "" : " (" + skipped[0] + " more like it in the minute before, not logged)");
    }
  }

  private static String caller(HttpServletRequest request) {
    Principal principal = request.getUserPrincipal();
    return principal != null && principal.getName() != null && !"unauthenticated".equals(principal.getName())
        ? "key '" + principal.getName() + "'"
        : "address " + request.getRemoteAddr();
  }
}
