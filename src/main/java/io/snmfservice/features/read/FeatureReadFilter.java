package io.snmfservice.features.read;

import io.snmfservice.config.ConditionalOnRole;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Answers the feature reads before Spring MVC where it can: from {@link FeatureResponseCache}, else from the answers
 * prepared at write time ({@link PreparedRoutes}); every other request of these routes goes on to the controllers,
 * and their JSON answers fill the cache. It runs after Spring Security (a plain filter bean is ordered after the
 * security chain), so every request is still authenticated, authorised and rate-limited; any reader may read any
 * feature, so one cached answer serves every key. Every answer of these reads carries an entity tag, and a request
 * whose {@code If-None-Match} names the current one gets 304 without a body.
 */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.API)
class FeatureReadFilter extends OncePerRequestFilter {

  private static final Pattern READS = Pattern.compile(
      "/v1/features/\\d+(/(top-inputs|examples|vocab|parents|children))?|/v1/factorizations/\\d+/features(/search)?");
  private static final Pattern ID_SEGMENT = Pattern.compile("/\\d+");
  /** Clients may keep an answer but must ask again; only they may keep it (a key was needed to read it). */
  private static final String CACHE_CONTROL = "private, no-cache";

  private final FeatureResponseCache cache;
  private final PreparedRoutes prepared;
  private final HandlerExceptionResolver errors;

  FeatureReadFilter(FeatureResponseCache cache, PreparedRoutes prepared,
      @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
    this.cache = cache;
    this.prepared = prepared;
    this.errors = errors;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"GET".equals(request.getMethod()) || !READS.matcher(request.getRequestURI()).matches()
        || !acceptsJson(request.getHeader(HttpHeaders.ACCEPT));
  }

  /** A request that cannot take JSON gets the controller's 406, not a cached answer. */
  private static boolean acceptsJson(String accept) {
    try {
      return accept == null || MediaType.parseMediaTypes(accept).stream()
          .anyMatch(m -> m.includes(MediaType.APPLICATION_JSON));
    } catch (InvalidMediaTypeException e) {
      return false;
    }
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String query = request.getQueryString();
    String key = query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query;
    FeatureResponseCache.Response hit = cache.get(key);
    if (hit != null) {
      send(hit, request, response);
      return;
    }
    long generation = cache.generation();
    byte[] body;
    try {
      body = prepared.answer(request);
    } catch (DataAccessException e) {
      // answered as the controllers answer it (a 503 problem while the database is down), without asking again
      if (errors.resolveException(request, response, null, e) == null) {
        throw e;
      }
      return;
    }
    if (body != null) {
      FeatureResponseCache.Response answer = new FeatureResponseCache.Response(body,
          MediaType.APPLICATION_JSON_VALUE, etag(body));
      cache.put(key, answer, generation);
      send(answer, request, response);
      return;
    }
    ContentCachingResponseWrapper buffered = new ContentCachingResponseWrapper(response);
    chain.doFilter(request, buffered);
    if (buffered.getStatus() == HttpServletResponse.SC_OK && isJson(buffered.getContentType())) {
      byte[] sent = buffered.getContentAsByteArray();
      FeatureResponseCache.Response answer = new FeatureResponseCache.Response(sent, buffered.getContentType(),
          etag(sent));
      cache.put(key, answer, generation);
      tag(answer, buffered);
      if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), answer.etag())) {
        buffered.resetBuffer();
        buffered.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      }
    }
    buffered.copyBodyToResponse();
  }

  /** An answer found here, not by the controllers: with the route they would have matched, for request metrics. */
  private static void send(FeatureResponseCache.Response answer, HttpServletRequest request,
      HttpServletResponse response) throws IOException {
    ServerHttpObservationFilter.findObservationContext(request).ifPresent(
        c -> c.setPathPattern(ID_SEGMENT.matcher(request.getRequestURI()).replaceFirst("/{id}")));
    tag(answer, response);
    if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), answer.etag())) {
      response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      return;
    }
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType(answer.contentType());
    response.setContentLength(answer.body().length);
    response.getOutputStream().write(answer.body());
  }

  private static void tag(FeatureResponseCache.Response answer, HttpServletResponse response) {
    response.setHeader(HttpHeaders.ETAG, answer.etag());
    response.setHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
  }

  private static boolean isJson(String contentType) {
    return contentType != null && MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(contentType));
  }

  /** {@code If-None-Match}: {@code *} or a list of tags, weak ones included (RFC 9110, weak comparison). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** A strong tag from the bytes, so replicas give the same answer the same tag. */
  static String etag(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
