package io.snmfservice.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Holds request bodies to {@code snmf.web.max-request-bytes}: a declared {@code Content-Length} over the limit gets
 * 413 before anything is read; any other body (chunked, or lying about its length) is counted as it is read and
 * fails with {@link BodyTooLargeException} (413) at the first byte past the limit. Multipart uploads are parsed by
 * the servlet container, which holds them to the same number ({@code spring.servlet.multipart.*}). Large bodies
 * also take room in the replica's {@link BodyBudget} for as long as their request runs (503 when it is full).
 */
@Component
class RequestSizeLimitFilter extends OncePerRequestFilter {

  /** How long a client is asked to wait when the body budget is full: large bodies take seconds to read. */
  static final long RETRY_AFTER_SECONDS = 2;

  private final long maxBytes;
  private final BodyBudget budget;
  private final ProblemWriter problems;
  private final RefusalLog refusals;

  RequestSizeLimitFilter(WebLimits limits, JsonMapper json, RefusalLog refusals) {
    this.maxBytes = limits.maxRequestBytes();
    this.budget = new BodyBudget(limits.maxBodyBytesInFlight());
    this.problems = new ProblemWriter(json);
    this.refusals = refusals;
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
    // a body without a Content-Length (chunked) may be as large as the limit
    long declared = length >= 0 ? length : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null ? maxBytes : 0;
    int taken = budget.tryTake(declared);
    if (taken < 0) {
      String detail = "this replica already holds " + budget.takenKib() / 1024 + " of its "
          + budget.totalKib() / 1024 + " MiB of request bodies (snmf.web.max-body-bytes-in-flight) and this one may be "
          + (declared + (1 << 20) - 1) / (1 << 20) + " MiB; retry in " + RETRY_AFTER_SECONDS + " s";
      refusals.overloaded(request, "body-bytes-in-flight", detail);
      response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS));
      problems.write(request, response, HttpStatus.SERVICE_UNAVAILABLE, detail);
      return;
    }
    try {
      chain.doFilter(new CountedBodyRequest(request, maxBytes), response);
    } finally {
      budget.giveBack(taken);
    }
  }

  /** KiB of request bodies this replica holds now; tests wait on it. */
  int bodyKibTaken() {
    return budget.takenKib();
  }
}
