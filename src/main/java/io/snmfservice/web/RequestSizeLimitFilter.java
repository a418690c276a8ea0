package io.snmfservice.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Holds request bodies to {@code snmf.web.max-request-bytes}: a declared {@code Content-Length} over the limit gets
 * 413 before anything is read; any other body (chunked, or lying about its length) is counted as it is read and
 * fails with {@link BodyTooLargeException} (413) at the first byte past the limit. Multipart uploads are parsed by
 * the servlet container, which holds them to the same number ({@code spring.servlet.multipart.*}).
 */
@Component
class RequestSizeLimitFilter extends OncePerRequestFilter {

  private final long maxBytes;
  private final ProblemWriter problems;

  RequestSizeLimitFilter(WebLimits limits, JsonMapper json) {
    this.maxBytes = limits.maxRequestBytes();
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
    chain.doFilter(new CountedBodyRequest(request, maxBytes), response);
  }
}
