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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
