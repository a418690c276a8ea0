package io.snmfservice.security;

import io.snmfservice.audit.AuditLog;
import io.snmfservice.web.RefusalLog;
import io.snmfservice.web.ProblemWriter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard ({@code /ui}) signs in once per browser session: the user pastes an API key into the login form,
 * the session keeps who they are (never the key, never in a URL), forms carry CSRF tokens, and a key revoked
 * meanwhile ends the session at its next request. The API docs ({@code /docs}, {@code /openapi.yaml}) and static
 * files are public.
 */
@Configuration(proxyBeanMethods = false)
class DashboardSecurity {

  static final String LOGIN = "/ui/login";
  /** Where a refused dashboard request is forwarded to be answered with a 403 page. */
  static final String DENIED = "/ui/denied";

  @Bean
  @Order(1)
  SecurityFilterChain dashboardFilterChain(HttpSecurity http, ApiKeys keys, SecurityProperties settings,
      AuditLog audit, AuthenticationFailures failures, RefusalLog refusals, RateLimitFilter.Buckets buckets,
      JsonMapper json) throws Exception {
    http.securityMatcher("/", "/ui", "/ui/**", "/docs", "/docs/**", "/openapi.yaml", "/webjars/**", "/favicon.ico");
    if (settings.mode() == SecurityProperties.Mode.OPEN) {
      return http.anonymous(a -> a.principal(Caller.OPEN_MODE).authorities(Caller.OPEN_MODE.role().authorities()))
          .authorizeHttpRequests(a -> a.anyRequest().permitAll())
          .build();
    }
    http.authenticationManager(new ProviderManager(formKeyProvider(keys)))
        .formLogin(f -> f.loginPage(LOGIN).loginProcessingUrl(LOGIN).passwordParameter("key")
            .defaultSuccessUrl("/ui", false).failureHandler(signInFailed(failures)).permitAll())
        .logout(l -> l.logoutUrl("/ui/logout").logoutSuccessUrl(LOGIN + "?signedOut").permitAll())
        .requestCache(c -> c.requestCache(pagesOnly()))
        .addFilterAfter(new RevokedKeyFilter(keys), SecurityContextHolderFilter.class)
        .addFilterBefore(signInLimit(failures, refusals), UsernamePasswordAuthenticationFilter.class)
        // after the session's sign-in is known, before the login form's POST is checked
        .addFilterBefore(new RateLimitFilter(buckets, new ProblemWriter(json), refusals, true), LogoutFilter.class)
        .addFilterBefore(new AuditFilter(audit), ExceptionTranslationFilter.class)
        .exceptionHandling(e -> e.accessDeniedHandler(deniedPage()))
        .authorizeHttpRequests(a -> a
            // FORWARD: the 403 page below, reached only from the access-denied handler
            .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC, DispatcherType.FORWARD).permitAll()
            .requestMatchers("/", "/docs", "/docs/**", "/openapi.yaml", "/webjars/**", "/favicon.ico", "/ui/assets/**")
            .permitAll()
            // the sign-in page with whatever it says (?error, ?retryAfter=, ?signedOut)
            .requestMatchers(HttpMethod.GET, LOGIN).permitAll()
            .requestMatchers("/ui/keys", "/ui/keys/**", "/ui/audit", "/ui/audit/**").hasRole("ADMIN")
            .requestMatchers(HttpMethod.GET, "/ui", "/ui/**").hasRole("READER")
            .anyRequest().hasRole("SUBMITTER"));
    return http.build();
  }

  /**
   * A signed-in key whose role is too low (or a form without a valid CSRF token) gets a 403 dashboard page that says
   * why, not the API's problem JSON; the page is the dashboard's {@code DeniedController}.
   */
  private static AccessDeniedHandler deniedPage() {
    AccessDeniedHandlerImpl page = new AccessDeniedHandlerImpl();
    page.setErrorPage(DENIED);
    return (request, response, e) -> {
      page.handle(request, response, e);
      // the forward left the 403 page's route on the request; the audit entry must name the path asked for
      request.removeAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    };
  }

  /**
   * After sign-in the browser returns to the page it asked for, but never to an event stream or an htmx fragment,
   * which are not pages.
   */
  private static HttpSessionRequestCache pagesOnly() {
    HttpSessionRequestCache cache = new HttpSessionRequestCache();
    cache.setRequestMatcher(request -> "GET".equals(request.getMethod()) && request.getHeader("HX-Request") == null
        && !request.getRequestURI().endsWith("/events"));
    return cache;
  }

  /** A failed sign-in is counted against the client address, logged and, for a known key, audited. */
  private static AuthenticationFailureHandler signInFailed(AuthenticationFailures failures) {
    SimpleUrlAuthenticationFailureHandler page = new SimpleUrlAuthenticationFailureHandler(LOGIN + "?error");
    return (request, response, e) -> {
      String key = request.getParameter("key");
      failures.failed(request, "dashboard", key == null || key.isBlank() ? null : key.trim());
      page.onAuthenticationFailure(request, response, e);
    };
  }

  /** An address out of sign-in attempts is sent back to the sign-in page, which says how long to wait. */
  private static FailedAuthenticationLimitFilter signInLimit(AuthenticationFailures failures, RefusalLog refusals) {
    return new FailedAuthenticationLimitFilter(failures,
        request -> "POST".equals(request.getMethod()) && LOGIN.equals(request.getServletPath()),
        request -> request.getParameter("key") == null ? null : request.getParameter("key").trim(),
        (request, response, seconds) -> {
          refusals.tooManyRequests(request, "failed-authentications", "too many failed sign-ins from "
              + request.getRemoteAddr());
          response.sendRedirect(request.getContextPath() + LOGIN + "?retryAfter=" + seconds);
        });
  }

  /** The login form's "password" is the API key; the name field is not used. */
  private static AuthenticationProvider formKeyProvider(ApiKeys keys) {
    return new AuthenticationProvider() {
      @Override
      public Authentication authenticate(Authentication authentication) {
        Object key = authentication.getCredentials();
        return keys.authenticate(key == null ? "" : key.toString().trim())
            .map(ApiKeyAuthentication::of)
            .orElseThrow(() -> new BadCredentialsException("the API key is unknown, revoked or expired"));
      }

      @Override
      public boolean supports(Class<?> type) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
      }
    };
  }

  /** Ends a dashboard session whose key has been revoked or has expired since sign-in. */
  private static final class RevokedKeyFilter extends OncePerRequestFilter {

    private final ApiKeys keys;

    RevokedKeyFilter(ApiKeys keys) {
      this.keys = keys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      Caller caller = Caller.current().orElse(null);
      if (caller != null && caller.keyId() != null && !keys.isActive(caller.keyId())) {
        SecurityContextHolder.clearContext();
        HttpSession session = request.getSession(false);
        if (session != null) {
          session.invalidate();
        }
      }
      chain.doFilter(request, response);
    }
  }
}
