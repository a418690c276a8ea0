package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keys are cached between requests, yet a change made by another replica (or by hand in the database) reaches this
 * one when it commits: the trigger of V14 notifies, {@link KeyChangeListener} evicts.
 */
@ServiceTest
class KeyCacheRevocationTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  JdbcClient jdbc;

  @Autowired
  KeyCache cache;

  @Test
  void aKeyRevokedElsewhereIsRefusedOnceTheRevocationCommits() {
    Http admin = new Http(port);
    Http.Response created =
        admin.post("/v1/keys", "{\"name\":\"cached-" + System.nanoTime() + "\",\"role\":\"reader\"}");
    long id = created.json().get("apiKey").get("id").asLong();
    Http reader = new Http(port, created.json().get("key").asString());
    awaitSubscribed();
    assertThat(reader.get("/v1/models").status()).isEqualTo(200);
    assertThat(reader.get("/v1/models").status()).as("served from the cache").isEqualTo(200);

    // what another replica's revocation writes, outside this replica's ApiKeys
    jdbc.sql("UPDATE api_key SET revoked_at = now() WHERE id = ?").param(id).update();

    await("the key refused within a second of the commit").atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(5)).until(() -> reader.get("/v1/models").status() == 401);
    assertThat(reader.get("/v1/models").status()).isEqualTo(401);
  }

  @Test
  void aKeyThatExpiresWhileCachedIsRefused() {
    Http admin = new Http(port);
    Http.Response created = admin.post("/v1/keys", "{\"name\":\"expiring-" + System.nanoTime()
        + "\",\"role\":\"reader\",\"expiresAt\":\"" + java.time.Instant.now().plusSeconds(2) + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Http reader = new Http(port, created.json().get("key").asString());
    awaitSubscribed();
    assertThat(reader.get("/v1/models").status()).isEqualTo(200);
    await("the key refused once it has expired").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
        .until(() -> reader.get("/v1/models").status() == 401);
  }

  private void awaitSubscribed() {
    await("listening for key changes").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(cache::isSubscribed);
  }
}
