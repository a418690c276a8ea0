package io.snmfservice.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.snmfservice.support.KillTest;
import io.snmfservice.support.ServiceProcess;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Workers across a short database outage (shorter than the lease), on a PostgreSQL server of the test's own that
 * it stops and starts again: a result finished while the database is down is written once it returns, and a job
 * that failed only because the database was down goes back to the queue without spending an attempt.
 */
@SlowTest
@KillTest
class QueueOutageTest {

  private static final Duration LEASE = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private static int port;
  private static EmbeddedPostgres postgres;
  private static QueueFixture queue;

  @BeforeAll
  static void startDatabase() throws IOException {
    port = ServiceProcess.freePort();
    postgres = start();
    queue = new QueueFixture(new TestDatabase.Connection(
        "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "", "own"));
  }

  @AfterAll
  static void stopAll() throws IOException {
    queue.close();
    postgres.close();
  }

  @Test
  void aResultFinishedWhileTheDatabaseIsDownIsKept() throws Exception {
    String type = QueueFixture.uniqueType("outage-result");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    AtomicBoolean finished = new AtomicBoolean();
    queue.pool("w1-" + type, 1, LEASE, QueueFixture.handler(type, context -> {
      runs.incrementAndGet();
      started.countDown();
      finish.await();
      finished.set(true);
      return new JobResult(() -> JsonMapper.builder().build().createObjectNode().put("answer", 42));
    })).start();
    long id = queue.service.submit(type, queue.json.createObjectNode(), 0, null).id();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    postgres.close();
    finish.countDown(); // completes while the database is down: the outcome waits
    await("the handler to finish").atMost(Duration.ofSeconds(10)).untilTrue(finished);
    // a fixed wait on purpose: the outage must outlast the pool's connection timeout, so that the first write of
    // the outcome fails and has to wait (no outside sign tells that attempt from the heartbeat's)
    Thread.sleep(queue.dataSource.getConnectionTimeout() + 500);
    postgres = start();

    Job done = awaitFinished(id);
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.result().get("answer").asInt()).isEqualTo(42);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(runs.get()).as("the result was not computed twice").isEqualTo(1);
  }

  @Test
  void aJobThatFailedOnlyBecauseTheDatabaseWasDownRunsAgainWithoutSpendingAnAttempt() throws Exception {
    String type = QueueFixture.uniqueType("outage-failure");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch databaseDown = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    AtomicBoolean readFailed = new AtomicBoolean();
    queue.pool("w1-" + type, 1, LEASE, QueueFixture.handler(type, context -> {
      if (runs.incrementAndGet() == 1) {
        started.countDown();
        databaseDown.await();
        try {
          queue.jdbc.sql("SELECT 1").query(Integer.class).single(); // the handler's own read fails
        } catch (RuntimeException e) {
          readFailed.set(true);
          throw e;
        }
      }
      return new JobResult(() -> null);
    })).start();
    long id = queue.store.insert(type, queue.json.createObjectNode(), 0, 1, null, null);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    postgres.close();
    databaseDown.countDown();
    await("the handler's read to fail").atMost(Duration.ofSeconds(30)).untilTrue(readFailed);
    postgres = start();

    Job done = awaitFinished(id);
    assertThat(done.status()).as("not failed, although it may be attempted only once").isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(runs.get()).isEqualTo(2);
  }

  private static EmbeddedPostgres start() throws IOException {
    return EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(false)
        .setPort(port).start();
  }

  private static Job awaitFinished(long id) {
    return await("job " + id + " to finish").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .ignoreExceptionsInstanceOf(RuntimeException.class) // the pool reconnects
        .until(() -> queue.store.find(id).orElseThrow(),
            job -> job.status() != JobStatus.QUEUED && job.status() != JobStatus.RUNNING);
  }
}
