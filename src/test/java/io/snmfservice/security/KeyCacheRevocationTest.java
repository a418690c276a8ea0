package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceTest;
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
  void aKeyRevokedElsewhereIsRefusedOnceTheRevocationCommits() throws InterruptedException {
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

    long start = System.nanoTime();
    int status = reader.get("/v1/models").status();
    while (status != 401 && System.nanoTime() - start < 1_000_000_000L) {
      Thread.sleep(5);
      status = reader.get("/v1/models").status();
    }
    assertThat(status).as("refused within a second of the commit").isEqualTo(401);
    assertThat(reader.get("/v1/models").status()).isEqualTo(401);
  }

  @Test
  void aKeyThatExpiresWhileCachedIsRefused() throws InterruptedException {
    Http admin = new Http(port);
    Http.Response created = admin.post("/v1/keys", "{\"name\":\"expiring-" + System.nanoTime()
        + "\",\"role\":\"reader\",\"expiresAt\":\"" + java.time.Instant.now().plusSeconds(2) + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Http reader = new Http(port, created.json().get("key").asString());
    awaitSubscribed();
    assertThat(reader.get("/v1/models").status()).isEqualTo(200);
    Thread.sleep(2100);
    assertThat(reader.get("/v1/models").status()).isEqualTo(401);
  }

  private void awaitSubscribed() throws InterruptedException {
    long start = System.nanoTime();
    while (!cache.isSubscribed() && System.nanoTime() - start < 10_000_000_000L) {
      Thread.sleep(10);
    }
    assertThat(cache.isSubscribed()).as("listening for key changes").isTrue();
  }
}
