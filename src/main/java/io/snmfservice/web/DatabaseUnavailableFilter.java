package io.snmfservice.web;

import io.snmfservice.storage.DatabaseUnavailable;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Outermost filter: a database outage that surfaces in a filter (API key lookup, audit, dashboard session) rather
 * than in a controller is answered like one in a controller, 503 with {@code Retry-After}, instead of a 500 or a
 * misleading 401.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class DatabaseUnavailableFilter extends OncePerRequestFilter {

  private final ProblemWriter problems;

  DatabaseUnavailableFilter(JsonMapper json) {
    this.problems = new ProblemWriter(json);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } catch (ServletException | IOException | RuntimeException e) {
      if (response.isCommitted() || !DatabaseUnavailable.isCause(e)) {
        throw e;
      }
      ProblemHandler.logUnavailable(e);
      response.resetBuffer();
      response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(ProblemHandler.RETRY_AFTER_SECONDS));
      problems.write(request, response, HttpStatus.SERVICE_UNAVAILABLE, ProblemHandler.UNAVAILABLE_DETAIL);
    }
  }
}
