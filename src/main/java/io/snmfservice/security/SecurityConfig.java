package io.snmfservice.security;

import io.snmfservice.audit.AuditLog;
import io.snmfservice.web.ProblemWriter;
import io.snmfservice.web.RefusalLog;
import jakarta.servlet.DispatcherType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what. Every request but health carries an API key ({@code Authorization: Bearer}); its role
 * decides: readers GET, submitters also POST (job submissions, interactive steering, cancels of their own jobs),
 * admins everything, including deletes, key management, the audit trail and the rest of actuator (unless the actuator
 * has a management port of its own, which then needs no key and must not be exposed). Rules that
 * depend on the request body or the resource (server paths, job ownership) are checked by the services.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

  private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

  /**
   * No observation (timer, span) around every security filter and authorization: they took about a tenth of a
   * read's CPU time (docs/benchmarks.md, read load); {@code http.server.requests} still times every request.
   */
  @Bean
  static SecurityObservationSettings securityObservationSettings() {
    return SecurityObservationSettings.noObservations();
  }

  @Bean
  AuthenticationManager apiKeyAuthenticationManager(ApiKeys keys) {
    return new ProviderManager(new ApiKeyAuthenticationProvider(keys));
  }

  @Bean
  SecurityFilterChain apiSecurity(HttpSecurity http, SecurityProperties settings, AuthenticationManager manager,
      AuditLog audit, JsonMapper json, Environment env, AuthenticationFailures failures, RefusalLog refusals,
      RateLimitFilter.Buckets buckets) throws Exception {
    ProblemWriter problems = new ProblemWriter(json);
    int managementPort = separateManagementPort(env);
    http.csrf(AbstractHttpConfigurer::disable) // bearer keys are not sent by browsers on their own
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint(problems)).accessDeniedHandler(denied(problems)))
        .addFilterBefore(new RateLimitFilter(buckets, problems, refusals, false), ExceptionTranslationFilter.class)
        .addFilterBefore(new AuditFilter(audit), ExceptionTranslationFilter.class);

    if (settings.mode() == SecurityProperties.Mode.OPEN) {
      requireLoopback(env.getProperty("server.address"));
      log.warn("snmf.security.mode=open: access control is OFF; every request acts as an admin. For local"
          + " experiments only.");
      http.anonymous(a -> a.principal(Caller.OPEN_MODE).authorities(Caller.OPEN_MODE.role().authorities()))
          .authorizeHttpRequests(a -> a.anyRequest().permitAll());
      return http.build();
    }

    AuthenticationFilter keyFilter = new AuthenticationFilter(manager, new BearerKeyConverter());
    keyFilter.setSuccessHandler((request, response, authentication) -> { });
    keyFilter.setFailureHandler((request, response, e) -> {
      failures.failed(request, "api", BearerKeyConverter.presentedKey(request));
      entryPoint(problems).commence(request, response, e);
    });
    FailedAuthenticationLimitFilter addressLimit = new FailedAuthenticationLimitFilter(failures,
        BearerKeyConverter::presentsKey, BearerKeyConverter::presentedKey, (request, response, seconds) -> {
          String detail = "too many failed authentications from " + request.getRemoteAddr() + " (more than "
              + failures.perMinute() + " a minute); retry in " + seconds + " s";
          refusals.tooManyRequests(request, "failed-authentications", detail);
          response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
          problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, detail);
        });
    http.addFilterBefore(addressLimit, AnonymousAuthenticationFilter.class)
        .addFilterBefore(keyFilter, AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(a -> a
            // error pages and async (SSE) dispatches belong to requests that were already authorised
            .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
            // a separate management port (probes, Prometheus) stays inside the pod network
            .requestMatchers(request -> managementPort > 0 && request.getLocalPort() == managementPort).permitAll()
            .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
            .requestMatchers("/actuator/**").hasRole("ADMIN")
            .requestMatchers("/v1/keys", "/v1/keys/**", "/v1/audit", "/v1/audit/**").hasRole("ADMIN")
            .requestMatchers(HttpMethod.GET, "/v1/**").hasRole("READER")
            .requestMatchers(HttpMethod.HEAD, "/v1/**").hasRole("READER")
            .requestMatchers(HttpMethod.POST, "/v1/**").hasRole("SUBMITTER")
            .requestMatchers("/v1/**").hasRole("ADMIN")
            .anyRequest().authenticated());
    return http.build();
  }

  /** 401 with {@code WWW-Authenticate: Bearer}: no key, or a key that is unknown, revoked or expired. */
  private static AuthenticationEntryPoint entryPoint(ProblemWriter problems) {
    return (request, response, e) -> {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
      String detail = e instanceof BadCredentialsException
          ? e.getMessage()
          : "an API key is required: send 'Authorization: Bearer <key>'";
      problems.write(request, response, HttpStatus.UNAUTHORIZED, detail);
    };
  }

  private static AccessDeniedHandler denied(ProblemWriter problems) {
    return (request, response, e) -> {
      String role = Caller.current().map(c -> c.role().lowerName()).orElse("anonymous");
      problems.write(request, response, HttpStatus.FORBIDDEN,
          "an API key with role '" + role + "' may not " + request.getMethod() + " " + request.getRequestURI());
    };
  }

  /** {@code management.server.port} when the actuator has a port of its own, else 0. */
  private static int separateManagementPort(Environment env) {
    int management = env.getProperty("management.server.port", Integer.class, -1);
    int server = env.getProperty("server.port", Integer.class, 8080);
    return management > 0 && management != server ? management : 0;
  }

  /** Open mode serves everyone as an admin, so it must not be reachable from other machines. */
  static void requireLoopback(String serverAddress) {
    boolean loopback;
    try {
      loopback = serverAddress != null && !serverAddress.isBlank()
          && InetAddress.getByName(serverAddress.trim()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalStateException("snmf.security.mode=open is only allowed when the server binds to a loopback"
          + " address; set server.address=127.0.0.1 (was " + (serverAddress == null ? "unset: all interfaces"
          : serverAddress) + ")");
    }
  }
}
