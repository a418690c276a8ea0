package io.snmfservice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.DashboardSession;
import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.TestKeys;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * The admin pages over real HTTP with a cookie session: an admin creates a reader key from the form (the secret
 * shown once and working), the reader sees no admin links and gets a 403 page for keys and audit, forms without a
 * CSRF token are refused, the audit page shows the refused request, and revoking from the page ends the reader's
 * session.
 */
@ServiceTest
class DashboardAdminPagesTest {

  private static final Pattern SECRET = Pattern.compile("<code class=\"secret\">(snmf_[^<]+)</code>");

  @Value("${local.server.port}")
  int port;

  @Test
  void adminsManageKeysAndReadTheAuditTrailAndOthersGet403() {
    String name = "ui-reader-" + Long.toString(System.nanoTime(), 36);
    DashboardSession admin = new DashboardSession(port);
    admin.signIn(TestKeys.ADMIN);
    assertThat(admin.get("/ui").body()).contains("href=\"/ui/keys\"", "href=\"/ui/audit\"",
        "href=\"/ui/vector-sets\"");
    HttpResponse<String> keys = admin.get("/ui/keys");
    assertThat(keys.statusCode()).isEqualTo(200);
    assertThat(keys.body()).contains("bootstrap-admin", "(you)", "name=\"_csrf\"");

    long before = keyCount();
    HttpResponse<String> refused = admin.post("/ui/keys", Map.of("name", "no/slashes", "role", "reader"));
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("class=\"problem\"", "name: must start with a letter");
    assertThat(admin.post("/ui/keys", Map.of("name", name, "role", "reader", "expiresOn", "1999-01-01"))
        .body()).contains("expiresAt must be in the future");
    assertThat(admin.post("/ui/keys", Map.of("name", name, "role", "reader", "expiresOn", "soon")).body())
        .contains("400", "is not a date (yyyy-mm-dd)");
    assertThat(keyCount()).as("refused forms create nothing").isEqualTo(before);

    HttpResponse<String> created = admin.post("/ui/keys", Map.of("name", name, "role", "reader",
        "expiresOn", "2099-01-01"));
    assertThat(created.statusCode()).isEqualTo(201);
    Matcher secret = SECRET.matcher(created.body());
    assertThat(secret.find()).as(created.body()).isTrue();
    assertThat(created.body()).contains("shown only this once", "2099-01-01 00:00:00 UTC");
    assertThat(admin.get("/ui/keys").body()).as("the secret is never shown again").doesNotContain(secret.group(1));
    Http asReader = new Http(port, secret.group(1));
    assertThat(asReader.get("/v1/models").status()).as("the shown secret is a working key").isEqualTo(200);
    assertThat(asReader.get("/v1/keys").status()).isEqualTo(403);
    JsonNode key = find(name);
    assertThat(key.get("role").asString()).isEqualTo("reader");
    long readerId = key.get("id").asLong();

    DashboardSession reader = new DashboardSession(port);
    reader.signIn(secret.group(1));
    String home = reader.get("/ui").body();
    assertThat(home).contains(name, "href=\"/ui/vector-sets\"").doesNotContain("href=\"/ui/keys\"", "href=\"/ui/audit\"");
    for (String page : List.of("/ui/keys", "/ui/audit", "/ui/audit?keyId=" + readerId)) {
      HttpResponse<String> denied = reader.get(page);
      assertThat(denied.statusCode()).as(page).isEqualTo(403);
      assertThat(denied.headers().firstValue("Content-Type").orElse("")).as(page).startsWith("text/html");
      assertThat(denied.body()).as(page).contains("403 Forbidden", "role reader", "class=\"problem\"")
          .doesNotContain("bootstrap-admin");
    }
    assertThat(reader.post("/ui/keys", Map.of("name", name + "-admin", "role", "admin")).statusCode()).isEqualTo(403);
    assertThat(reader.post("/ui/keys/" + readerId + "/revoke", Map.of()).statusCode()).isEqualTo(403);
    assertThat(keyCount()).isEqualTo(before + 1);

    HttpResponse<String> forged = admin.postWithoutCsrf("/ui/keys", Map.of("name", name + "-forged", "role", "admin"));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("CSRF token");
    assertThat(keyCount()).isEqualTo(before + 1);

    HttpResponse<String> trail = admin.get("/ui/audit?keyId=" + readerId);
    assertThat(trail.statusCode()).isEqualTo(200);
    assertThat(trail.body()).contains("POST /ui/keys", "/ui/keys/" + readerId + "/revoke", "DENIED")
        .doesNotContain("SUCCEEDED");
    assertThat(admin.get("/ui/audit").body()).contains("POST /ui/keys", "SUCCEEDED", "REJECTED");

    HttpResponse<String> revoked = admin.post("/ui/keys/" + readerId + "/revoke", Map.of());
    assertThat(revoked.statusCode()).isEqualTo(302);
    assertThat(admin.get("/ui/keys").body()).contains("Revoked key " + readerId, "revoked");
    HttpResponse<String> after = reader.get("/ui");
    assertThat(after.statusCode()).isEqualTo(302);
    assertThat(after.headers().firstValue("Location").orElse("")).as("a revoked key ends the session")
        .contains("/ui/login");
    HttpResponse<String> unknown = admin.post("/ui/keys/999999999/revoke", Map.of());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("class=\"problem\"", "999999999");
  }

  private long keyCount() {
    return new Http(port).get("/v1/keys?size=1").json().get("total").asLong();
  }

  private JsonNode find(String name) {
    for (JsonNode k : new Http(port).get("/v1/keys?size=500").json().get("items")) {
      if (k.get("name").asString().equals(name)) {
        return k;
      }
    }
    return null;
  }
}
