package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.IsolatedDatabaseInitializer;
import io.snmfservice.support.SlowTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * Per-key quotas answer 429 with Retry-After as problem documents and leave no rows behind. No workers run here, so
 * submitted jobs stay queued and count against the quota.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "snmf.workers.threads=0",
    "snmf.security.quota.max-active-jobs=2",
    "snmf.security.quota.requests-per-second=1",
    "snmf.security.quota.burst=8"})
@SlowTest
@ContextConfiguration(initializers = IsolatedDatabaseInitializer.class)
@ActiveProfiles("test")
@DirtiesContext
class QuotaTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  JdbcClient jdbc;

  private String key(String name, String role) {
    return new Http(port).post("/v1/keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}")
        .json().get("key").asString();
  }

  private long jobs() {
    return jdbc.sql("SELECT count(*) FROM job").query(Long.class).single();
  }

  @Test
  void aSubmitterOverItsJobQuotaGets429AndNoJob() {
    Http admin = new Http(port);
    long model = admin.post("/v1/models", "{\"name\":\"quota\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    Http submitter = new Http(port, key("jobs-quota", "submitter"));
    String sample = "{\"name\":\"q%d\",\"kind\":\"model-samples\",\"modelId\":" + model + ",\"count\":10,\"length\":8}";
    assertThat(submitter.post("/v1/datasets", sample.formatted(1), "Idempotency-Key", "first").status()).isEqualTo(202);
    assertThat(submitter.post("/v1/datasets", sample.formatted(2)).status()).isEqualTo(202);
    long before = jobs();

    Http.Response over = submitter.post("/v1/datasets", sample.formatted(3));
    assertThat(over.status()).as(over.body()).isEqualTo(429);
    assertThat(over.contentType()).startsWith("application/problem+json");
    assertThat(over.header("Retry-After")).isEqualTo("30");
    assertThat(over.json().get("detail").asString()).contains("quota is 2");
    assertThat(jobs()).isEqualTo(before);

    Http.Response repeated = submitter.post("/v1/datasets", sample.formatted(1), "Idempotency-Key", "first");
    assertThat(repeated.status()).as("a repeated submission is the same job, not a new one").isEqualTo(202);
    assertThat(jobs()).isEqualTo(before);
    assertThat(admin.post("/v1/datasets", sample.formatted(4)).status()).as("admins are exempt").isEqualTo(202);
  }

  @Test
  void aKeyOverItsRequestRateGets429WithRetryAfter() {
    Http reader = new Http(port, key("rate", "reader"));
    int ok = 0;
    Http.Response limited = null;
    for (int i = 0; i < 20; i++) {
      Http.Response r = reader.get("/v1/models");
      if (r.status() == 200) {
        ok++;
      } else {
        limited = r;
      }
    }
    assertThat(ok).isBetween(8, 10); // the burst, plus what refilled meanwhile at 1 per second
    assertThat(limited).isNotNull();
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.contentType()).startsWith("application/problem+json");
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 2L);
    Http.Response submit = new Http(port, key("rate-2", "submitter")).post("/v1/datasets",
        "{\"name\":\"rated\",\"kind\":\"text\",\"texts\":[\"a\"]}");
    assertThat(submit.status()).as("buckets are per key").isEqualTo(201);
  }
}
