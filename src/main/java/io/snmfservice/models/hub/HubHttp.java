package io.snmfservice.models.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The few HTTP exchanges with the hub. Redirects are followed here rather than by {@link HttpClient} so
 * that the token goes only to the hub itself, never to the storage host a large file redirects to.
 */
final class HubHttp {

  private static final int MAX_REDIRECTS = 10;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final String USER_AGENT = "snmf-service; java/" + Runtime.version().feature();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HubSettings settings;
  private final HttpClient client;

  HubHttp(HubSettings settings, HttpClient client) {
    this.settings = settings;
    this.client = client;
  }

  static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(20))
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** GET a JSON document, following redirects. */
  JsonNode getJson(URI uri, String what) {
    HttpResponse<InputStream> response = send(uri, "GET", Optional.empty(), what);
    try (InputStream body = response.body()) {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new HubNetworkException("reading " + what + " from " + uri + " failed: " + e.getMessage(), e);
    } catch (JacksonException e) {
      throw new HubException("the hub sent invalid JSON for " + what + " (" + uri + "): " + e.getOriginalMessage());
    }
  }

  /**
   * HEAD of a {@code resolve} URL. LFS files answer with a redirect to storage whose own headers
   * ({@code X-Linked-Etag}, {@code X-Linked-Size}) describe the file; other redirects (renamed repositories)
   * are followed.
   */
  FileMetadata head(URI uri, String what) {
    URI current = uri;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<Void> response = exchange(request(current, "HEAD", Optional.empty()),
          HttpResponse.BodyHandlers.discarding(), what);
      HttpHeaders headers = response.headers();
      int status = response.statusCode();
      boolean describesFile = headers.firstValue("X-Repo-Commit").isPresent()
          && (headers.firstValue("X-Linked-Etag").isPresent() || headers.firstValue("ETag").isPresent());
      if (isRedirect(status) && !describesFile) {
        current = redirectTarget(current, headers, what);
        continue;
      }
      if (status >= 300 && !isRedirect(status)) {
        throw failure(status, current, headers, what);
      }
      String commit = headers.firstValue("X-Repo-Commit")
          .orElseThrow(() -> new HubException("the hub sent no X-Repo-Commit header for " + what));
      String etag = normaliseEtag(headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag"))
          .orElseThrow(() -> new HubException("the hub sent no ETag for " + what)));
      long size = headers.firstValueAsLong("X-Linked-Size").orElse(
          headers.firstValueAsLong("Content-Length").orElse(-1));
      if (size < 0) {
        throw new HubException("the hub sent no size for " + what);
      }
      return new FileMetadata(commit, etag, size);
    }
    throw new HubException("too many redirects for " + what + " starting at " + uri);
  }

  /** GET with an optional {@code Range: bytes=start-}, following redirects; the body is left open. */
  HttpResponse<InputStream> get(URI uri, long rangeStart, String what) {
    Optional<String> range = rangeStart > 0 ? Optional.of("bytes=" + rangeStart + "-") : Optional.empty();
    return send(uri, "GET", range, what);
  }

  private HttpResponse<InputStream> send(URI uri, String method, Optional<String> range, String what) {
    URI current = uri;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<InputStream> response = exchange(request(current, method, range),
          HttpResponse.BodyHandlers.ofInputStream(), what);
      int status = response.statusCode();
      if (isRedirect(status)) {
        closeQuietly(response.body());
        current = redirectTarget(current, response.headers(), what);
        continue;
      }
      if (status >= 400 && status != 416) {
        closeQuietly(response.body());
        throw failure(status, current, response.headers(), what);
      }
      return response;
    }
    throw new HubException("too many redirects for " + what + " starting at " + uri);
  }

  private HttpRequest request(URI uri, String method, Optional<String> range) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("User-Agent", USER_AGENT)
        // sizes and ranges refer to the stored bytes: ask for them uncompressed
        .header("Accept-Encoding", "identity")
        .method(method, HttpRequest.BodyPublishers.noBody());
    range.ifPresent(r -> builder.header("Range", r));
    if (sameOrigin(uri, settings.endpoint())) {
      settings.token().ifPresent(t -> builder.header("Authorization", "Bearer " + t));
    }
    return builder.build();
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler, String what) {
    try {
      return client.send(request, handler);
    } catch (IOException e) {
      throw new HubNetworkException("cannot reach the hub at " + request.uri() + " for " + what + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubNetworkException("interrupted while fetching " + what, e);
    }
  }

  private HubException failure(int status, URI uri, HttpHeaders headers, String what) {
    String code = headers.firstValue("X-Error-Code").map(c -> " (" + c + ")").orElse("");
    String message = headers.firstValue("X-Error-Message").map(m -> ": " + m).orElse("");
    if (status == 404) {
      return new HubNotFoundException(what + " not found on the hub: HTTP 404" + code + message + " for " + uri);
    }
    if (status == 401 || status == 403) {
      return new HubUnauthorizedException("no access to " + what + ": HTTP " + status + code + message
          + " for " + uri + (settings.token().isPresent()
              ? "; the token in use lacks access (for a gated model, accept its terms on the hub first)"
              : "; the repository may be private or gated: set HF_TOKEN to an access token"));
    }
    return new HubException("the hub answered HTTP " + status + code + message + " for " + what + " (" + uri + ")");
  }

  private static URI redirectTarget(URI from, HttpHeaders headers, String what) {
    String location = headers.firstValue("Location")
        .orElseThrow(() -> new HubException("redirect without Location for " + what + " at " + from));
    return from.resolve(location);
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
        && effectivePort(a) == effectivePort(b);
  }

  private static int effectivePort(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** {@code W/"abc"} and {@code "abc"} both name the blob {@code abc}. */
  static String normaliseEtag(String etag) {
    String value = etag.trim();
    if (value.startsWith("W/")) {
      value = value.substring(2);
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    if (value.isEmpty() || value.contains("/") || value.contains("\\") || value.startsWith(".")) {
      throw new HubException("the hub sent an unusable ETag '" + etag + "'");
    }
    return value;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the connection is discarded anyway
    }
  }
}
