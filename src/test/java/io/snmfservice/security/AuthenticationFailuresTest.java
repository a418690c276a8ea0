package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.DashboardSession;
import io.snmfservice.support.Http;
import io.snmfservice.support.IsolatedDatabaseInitializer;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * Keys that fail to authenticate are counted, audited when the key is known, and limited per client address: once
 * an address has spent its budget, its unfamiliar keys get 429 without a database lookup, while a key this replica
 * has seen recently still works. The budget here is 5 a minute; all requests come from 127.0.0.1.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "snmf.security.failed-authentications-per-minute=5")
@SlowTest
@ContextConfiguration(initializers = IsolatedDatabaseInitializer.class)
@ActiveProfiles("test")
@DirtiesContext
class AuthenticationFailuresTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  JdbcClient jdbc;

  @Test
  void failedKeysAreCountedAuditedAndLimitedPerAddress() {
    Http admin = new Http(port, TestKeys.ADMIN);
    assertThat(admin.get("/v1/models").status()).isEqualTo(200); // the admin key is now in this replica's cache
    Http.Response created = admin.post("/v1/keys", "{\"name\":\"revoke-me\",\"role\":\"reader\"}");
    String revoked = created.json().get("key").asString();
    long revokedKeyId = created.json().get("apiKey").get("id").asLong();
    assertThat(admin.delete("/v1/keys/" + revokedKeyId).status()).isEqualTo(200);

    Http.Response refused = new Http(port, revoked).get("/v1/models");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(jdbc.sql("SELECT count(*) FROM audit WHERE key_id = ? AND status = 401 AND outcome = 'DENIED'"
        + " AND action LIKE 'AUTHENTICATE api (revoked key)%'").param(revokedKeyId).query(Long.class).single())
        .as("a revoked key's attempt is in the audit trail under its name").isEqualTo(1);

    for (int i = 0; i < 3; i++) {
      assertThat(new Http(port, "snmf_unknown-key-" + i).get("/v1/models").status()).isEqualTo(401);
    }
    DashboardSession browser = new DashboardSession(port);
    String back = browser.signIn("snmf_wrong-dashboard-key");
    assertThat(back).as("a failed sign-in goes back to the form").endsWith("/ui/login?error");
    assertThat(browser.get(path(back)).body()).contains("unknown, revoked or expired");

    Http.Response throttled = new Http(port, "snmf_unknown-key-next").get("/v1/models");
    assertThat(throttled.status()).as(throttled.body()).isEqualTo(429);
    assertThat(throttled.contentType()).startsWith("application/problem+json");
    assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 60L);
    assertThat(throttled.json().get("detail").asString()).contains("too many failed authentications");
    String wait = browser.signIn("snmf_another-wrong-key");
    assertThat(wait).as("the sign-in form is limited too").contains("/ui/login?retryAfter=");
    assertThat(browser.get(path(wait)).body()).contains("too many failed sign-ins");

    assertThat(admin.get("/v1/models").status()).as("a key this replica knows still works").isEqualTo(200);

    String metrics = admin.get("/actuator/prometheus").body();
    assertThat(metrics).contains("snmf_requests_refused_total{kind=\"failed-authentication\",reason=\"api-unknown\"} 3.0");
    assertThat(metrics).contains("snmf_requests_refused_total{kind=\"failed-authentication\",reason=\"api-revoked\"} 1.0");
    assertThat(metrics).contains(
        "snmf_requests_refused_total{kind=\"failed-authentication\",reason=\"dashboard-unknown\"} 1.0");
    assertThat(metrics).contains(
        "snmf_requests_refused_total{kind=\"too-many-requests\",reason=\"failed-authentications\"} 2.0");
  }

  private String path(String location) {
    return location.replaceFirst("^http://localhost:" + port, "");
  }
}
