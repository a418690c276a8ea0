package io.snmfservice.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser's session with the dashboard without a browser: a cookie jar, the sign-in form and its CSRF token. */
public final class DashboardSession {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
  private final String base;

  public DashboardSession(int port) {
    this.base = "http://localhost:" + port;
  }

  /** Posts the sign-in form with this key; returns where the dashboard sent the browser (Location). */
  public String signIn(String key) {
    String form = get("/ui/login").body();
    Matcher csrf = CSRF.matcher(form);
    if (!csrf.find()) {
      throw new IllegalStateException("the sign-in form has no CSRF token");
    }
    String body = "key=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&_csrf=" + csrf.group(1);
    HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base + "/ui/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    if (answer.statusCode() != 302) {
      throw new IllegalStateException("sign-in answered " + answer.statusCode());
    }
    return answer.headers().firstValue("Location").orElse("");
  }

  /**
   * Posts a form as the browser would, with a CSRF token from a dashboard page ({@code /ui}); returns the answer
   * unfollowed (a redirect stays a 302).
   */
  public HttpResponse<String> post(String path, Map<String, String> fields) {
    return postForm(path, withCsrf(fields), false);
  }

  /** Posts a form as htmx does (header {@code HX-Request}), which answers with a fragment. */
  public HttpResponse<String> postHtmx(String path, Map<String, String> fields) {
    return postForm(path, withCsrf(fields), true);
  }

  /** Posts a form exactly as given (a forged cross-site form has no CSRF token). */
  public HttpResponse<String> postWithoutCsrf(String path, Map<String, String> fields) {
    return postForm(path, fields, false);
  }

  private Map<String, String> withCsrf(Map<String, String> fields) {
    Matcher csrf = CSRF.matcher(get("/ui").body());
    if (!csrf.find()) {
      throw new IllegalStateException("no CSRF token on /ui (not signed in?)");
    }
    Map<String, String> withToken = new LinkedHashMap<>(fields);
    withToken.put("_csrf", csrf.group(1));
    return withToken;
  }

  private HttpResponse<String> postForm(String path, Map<String, String> fields, boolean htmx) {
    String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (htmx) {
      request.header("HX-Request", "true");
    }
    return send(request);
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
