package io.snmfservice.web;

import io.snmfservice.config.SnmfProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/** Rejects bodies larger than {@code snmf.limits.max-request-bytes} with 413 before anything reads them. */
@Component
class RequestSizeLimitFilter extends OncePerRequestFilter {

  private final long maxBytes;
  private final ProblemWriter problems;

  RequestSizeLimitFilter(SnmfProperties properties, JsonMapper json) {
    this.maxBytes = properties.limits().maxRequestBytes();
    this.problems = new ProblemWriter(json);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long length = request.getContentLengthLong();
    if (length > maxBytes) {
      problems.write(request, response, HttpStatus.CONTENT_TOO_LARGE,
          "request body of " + length + " bytes exceeds the limit of " + maxBytes + " bytes");
      return;
    }
    chain.doFilter(request, response);
  }
}
