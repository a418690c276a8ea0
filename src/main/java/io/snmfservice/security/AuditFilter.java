package io.snmfservice.security;

import io.snmfservice.audit.AuditLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Records every state-changing API (and dashboard) request of an authenticated caller (submissions, cancels, deletes, key
 * changes, ...) with its outcome, after it has been answered. Sits inside the security chain, so requests that
 * were refused for lack of permission are recorded too (outcome DENIED).
 */
final class AuditFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  private final AuditLog audit;

  AuditFilter(AuditLog audit) {
    this.audit = audit;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return READ_METHODS.contains(request.getMethod())
        || !(path.startsWith("/v1/") || path.startsWith("/ui/"))
        || path.equals(DashboardSecurity.LOGIN) || path.equals("/ui/logout");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } finally {
      Caller.current().ifPresent(caller -> record(caller, request, response));
    }
  }

  private void record(Caller caller, HttpServletRequest request, HttpServletResponse response) {
    Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    String path = request.getRequestURI();
    String action = request.getMethod() + " " + (route != null ? route : path);
    String location = response.getHeader(HttpHeaders.LOCATION);
    try {
      audit.record(caller.keyId(), caller.name(), action, path, location != null ? location : path,
          response.getStatus());
    } catch (RuntimeException e) {
      // the request has been answered; losing one audit row must not turn it into an error
      log.error("Could not write the audit entry for {} by key {}: {}", action, caller.keyId(), e.getMessage());
    }
  }
}
