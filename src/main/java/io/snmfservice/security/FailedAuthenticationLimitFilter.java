package io.snmfservice.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Stops a client address that has spent its budget of failed authentications before its next key is checked
 * against the database (see {@link AuthenticationFailures}); how the refusal is answered is the chain's own (a
 * problem document for the API, the sign-in page for the dashboard).
 */
final class FailedAuthenticationLimitFilter extends OncePerRequestFilter {

  /** Answers a throttled request, given how many seconds the client should wait. */
  interface Refusal {
    void answer(HttpServletRequest request, HttpServletResponse response, long retryAfterSeconds) throws IOException;
  }

  private final AuthenticationFailures failures;
  private final Predicate<HttpServletRequest> presentsKey;
  private final Function<HttpServletRequest, String> presentedKey;
  private final Refusal refusal;

  FailedAuthenticationLimitFilter(AuthenticationFailures failures, Predicate<HttpServletRequest> presentsKey,
      Function<HttpServletRequest, String> presentedKey, Refusal refusal) {
    this.failures = failures;
    this.presentsKey = presentsKey;
    this.presentedKey = presentedKey;
    this.refusal = refusal;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (presentsKey.test(request)) {
      long wait = failures.waitBeforeTrying(request, presentedKey.apply(request));
      if (wait > 0) {
        refusal.answer(request, response, wait);
        return;
      }
    }
    chain.doFilter(request, response);
  }
}
