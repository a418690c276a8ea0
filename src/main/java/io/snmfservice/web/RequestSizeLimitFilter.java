package io.snmfservice.web;

import io.snmfservice.config.SnmfProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Rejects bodies larger than {@code snmf.limits.max-request-bytes} with 413 before anything reads them. */
@Component
class RequestSizeLimitFilter extends OncePerRequestFilter {

  private final long maxBytes;

  RequestSizeLimitFilter(SnmfProperties properties) {
    this.maxBytes = properties.limits().maxRequestBytes();
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long length = request.getContentLengthLong();
    if (length > maxBytes) {
      response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response
          .getWriter()
          .write(
              "{\"type\":\"about:blank\",\"title\":\"Content Too Large\",\"status\":413,\"detail\":\"request body of "
                  + length + " bytes exceeds the limit of " + maxBytes + " bytes\",\"instance\":\""
                  + request.getRequestURI().replace("\"", "") + "\"}");
      return;
    }
    chain.doFilter(request, response);
  }
}
