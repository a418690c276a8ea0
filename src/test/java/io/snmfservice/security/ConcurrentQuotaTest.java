package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.IsolatedDatabaseInitializer;
import io.snmfservice.support.SlowTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The job quota holds when one key submits many jobs at the same moment: the count and the insert happen under one
 * lock per key, so exactly the quota is accepted. No workers run here, so accepted jobs stay queued.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "snmf.workers.threads=0",
    "snmf.security.quota.max-active-jobs=20",
    "snmf.security.quota.requests-per-second=1000",
    "snmf.security.quota.burst=1000",
    "server.tomcat.threads.max=120"})
@SlowTest
@ContextConfiguration(initializers = IsolatedDatabaseInitializer.class)
@ActiveProfiles("test")
@DirtiesContext
class ConcurrentQuotaTest {

  private static final int SUBMISSIONS = 100;

  @Value("${local.server.port}")
  int port;

  @Autowired
  JdbcClient jdbc;

  @Test
  void hundredParallelSubmissionsFromOneKeyAcceptExactlyTheQuota() throws Exception {
    Http admin = new Http(port);
    long model = admin.post("/v1/models", "{\"name\":\"parallel-quota\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    String key = admin.post("/v1/keys", "{\"name\":\"parallel\",\"role\":\"submitter\"}").json().get("key").asString();
    long keyId = jdbc.sql("SELECT id FROM api_key WHERE name = 'parallel'").query(Long.class).single();
    String sample = "{\"name\":\"p%d\",\"kind\":\"model-samples\",\"modelId\":" + model + ",\"count\":10,\"length\":8}";

    ExecutorService pool = Executors.newFixedThreadPool(SUBMISSIONS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Http.Response>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < SUBMISSIONS; i++) {
        String body = sample.formatted(i);
        answers.add(pool.submit(() -> {
          start.await();
          return new Http(port, key).post("/v1/datasets", body);
        }));
      }
      start.countDown();
      int accepted = 0;
      int limited = 0;
      for (Future<Http.Response> answer : answers) {
        Http.Response r = answer.get();
        if (r.status() == 202) {
          accepted++;
        } else {
          assertThat(r.status()).as(r.body()).isEqualTo(429);
          assertThat(r.contentType()).startsWith("application/problem+json");
          limited++;
        }
      }
      assertThat(accepted).isEqualTo(20);
      assertThat(limited).isEqualTo(SUBMISSIONS - 20);
      assertThat(jdbc.sql("SELECT count(*) FROM job WHERE created_by = ?").param(keyId).query(Long.class).single())
          .as("rows in the queue").isEqualTo(20);
    } finally {
      pool.shutdownNow();
    }
  }
}
