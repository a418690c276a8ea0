package io.snmfservice.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.snmfservice.errors.Conflict;
import io.snmfservice.errors.NotFound;
import io.snmfservice.errors.Unavailable;
import io.snmfservice.support.SlowTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

@SlowTest
class JobQueueTest {

  private QueueFixture q;

  @BeforeEach
  void setUp() {
    q = new QueueFixture();
  }

  @AfterEach
  void tearDown() {
    q.close();
  }

  private ObjectNode params(int n) {
    return q.json.createObjectNode().put("n", n);
  }

  private Job status(long id) {
    return q.service.get(id);
  }

  @Test
  void twoPoolsOfFourThreadsExecuteEachOf500JobsExactlyOnce() {
    String type = QueueFixture.uniqueType("drain");
    Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    Map<Long, String> ranOn = new ConcurrentHashMap<>();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add(q.service.submit(type, params(i), 0, null).id());
    }
    for (String owner : List.of("replica-a", "replica-b")) {
      q.pool(owner, 4, Duration.ofSeconds(30), QueueFixture.handler(type, ctx -> {
        runs.computeIfAbsent(ctx.jobId(), k -> new AtomicInteger()).incrementAndGet();
        ranOn.put(ctx.jobId(), owner);
        ctx.report("work", 0.5);
        return JobResult.of(q.json.createObjectNode().put("ran", owner));
      })).start();
    }

    await().atMost(Duration.ofSeconds(90))
        .until(() -> q.service.count(JobStatus.SUCCEEDED, type) == 500);

    assertThat(runs).hasSize(500);
    assertThat(runs.values()).allMatch(n -> n.get() == 1);
    assertThat(ids).allMatch(id -> status(id).attempts() == 1);
    assertThat(ranOn.values()).contains("replica-a", "replica-b");
  }

  @Test
  void jobOfAWorkerThatStopsHeartBeatingIsRunAgainAfterLeaseExpiry() throws Exception {
    String type = QueueFixture.uniqueType("lease");
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger attempts = new AtomicInteger();
    JobHandler stuckFirstTime = QueueFixture.handler(type, ctx -> {
      if (attempts.incrementAndGet() == 1) {
        started.countDown();
        Thread.sleep(60_000); // the "crashed" worker never reports again
      }
      return JobResult.of(q.json.createObjectNode().put("attempt", ctx.attempt()));
    });
    WorkerPool crashing = q.pool("crashing", 1, Duration.ofSeconds(1), stuckFirstTime);
    crashing.start();
    long id = q.service.submit(type, params(1), 0, null).id();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    crashing.halt();

    LeaseReaper reaper = new LeaseReaper(q.store, Duration.ofMillis(200));
    reaper.start();
    try {
      q.pool("survivor", 1, Duration.ofSeconds(30), stuckFirstTime).start();
      await().atMost(Duration.ofSeconds(20)).until(() -> status(id).status() == JobStatus.SUCCEEDED);
    } finally {
      reaper.stop();
    }
    Job done = status(id);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.result().get("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void failingJobIsTriedMaxAttemptsTimesThenFails() {
    String type = QueueFixture.uniqueType("flaky");
    AtomicInteger runs = new AtomicInteger();
    q.pool("w", 2, Duration.ofSeconds(30), QueueFixture.handler(type, ctx -> {
      runs.incrementAndGet();
      throw new IllegalStateException("boom " + ctx.attempt());
    })).start();
    long id = q.service.submit(type, params(1), 0, null).id();

    await().atMost(Duration.ofSeconds(20)).until(() -> status(id).status() == JobStatus.FAILED);
    assertThat(runs.get()).isEqualTo(3 /* snmf.workers.max-attempts */);
    Job failed = status(id);
    assertThat(failed.attempts()).isEqualTo(3 /* snmf.workers.max-attempts */);
    assertThat(failed.error().get("detail").asString()).contains("boom 3");
    assertThat(failed.finishedAt()).isNotNull();
  }

  @Test
  void badInputFailsAtOnceWithoutRetry() {
    String type = QueueFixture.uniqueType("bad-input");
    AtomicInteger runs = new AtomicInteger();
    q.pool("w", 1, Duration.ofSeconds(30), QueueFixture.handler(type, ctx -> {
      runs.incrementAndGet();
      throw new IllegalArgumentException("layer 9 does not exist");
    })).start();
    long id = q.service.submit(type, params(1), 0, null).id();
    await().atMost(Duration.ofSeconds(10)).until(() -> status(id).status() == JobStatus.FAILED);
    assertThat(runs.get()).isEqualTo(1);
    assertThat(status(id).error().get("status").asInt()).isEqualTo(422);
  }

  @Test
  void aDomainErrorFailsAtOnceWithItsStatusAndDetail() {
    String type = QueueFixture.uniqueType("missing-input");
    AtomicInteger runs = new AtomicInteger();
    q.pool("w", 1, Duration.ofSeconds(30), QueueFixture.handler(type, ctx -> {
      runs.incrementAndGet();
      throw new NotFound("vector set", 123);
    })).start();
    long id = q.service.submit(type, params(1), 0, null).id();
    await().atMost(Duration.ofSeconds(10)).until(() -> status(id).status() == JobStatus.FAILED);
    Job failed = status(id);
    assertThat(runs.get()).isEqualTo(1);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.error().get("status").asInt()).isEqualTo(404);
    assertThat(failed.error().get("detail").asString()).isEqualTo("vector set 123 does not exist");
  }

  @Test
  void unavailableIsRetriedLikeAnInfrastructureFailure() {
    String type = QueueFixture.uniqueType("busy");
    AtomicInteger runs = new AtomicInteger();
    q.pool("w", 1, Duration.ofSeconds(30), QueueFixture.handler(type, ctx -> {
      if (runs.incrementAndGet() == 1) {
        throw Unavailable.timedOut("the judge ran past its time limit");
      }
      return JobResult.of(q.json.createObjectNode());
    })).start();
    long id = q.service.submit(type, params(1), 0, null).id();
    await().atMost(Duration.ofSeconds(20)).until(() -> status(id).status() == JobStatus.SUCCEEDED);
    assertThat(status(id).attempts()).isEqualTo(2);
  }

  @Test
  void expiredLeaseAfterLastAttemptFailsTheJob() {
    String type = QueueFixture.uniqueType("exhausted");
    long id = q.service.submit(type, params(1), 0, null).id();
    q.jdbc.sql("UPDATE job SET max_attempts = 1 WHERE id = ?").param(id).update();
    assertThat(q.store.claim("ghost", List.of(type), Duration.ofMillis(1))).isPresent();
    await().atMost(Duration.ofSeconds(5)).until(() -> q.store.reapExpiredLeases() >= 0
        && status(id).status() == JobStatus.FAILED);
    assertThat(status(id).error().get("title").asString()).isEqualTo("Lease expired");
  }

  @Test
  void queuedJobIsCancelledAtOnce() {
    String type = QueueFixture.uniqueType("cancel-queued");
    long id = q.service.submit(type, params(1), 0, null).id();
    Job cancelled = q.service.cancel(id);
    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(q.store.claim("w", List.of(type), Duration.ofSeconds(5))).isEmpty();
    assertThatThrownBy(() -> q.service.cancel(id))
        .isInstanceOf(Conflict.class);
  }

  @Test
  void runningJobStopsWithinASecondOfItsNextProgressReportAfterCancel() {
    String type = QueueFixture.uniqueType("cancel-running");
    AtomicLong stoppedAt = new AtomicLong();
    q.pool("w", 1, Duration.ofSeconds(30), QueueFixture.handler(type, ctx -> {
      try {
        for (int i = 0; ; i++) {
          ctx.report("spin", Math.min(0.99, i / 1000.0));
          Thread.sleep(20); // the job's work: a report every 20 ms
        }
      } finally {
        stoppedAt.set(System.nanoTime());
      }
    })).start();
    long id = q.service.submit(type, params(1), 0, null).id();
    await().atMost(Duration.ofSeconds(10)).until(() -> status(id).status() == JobStatus.RUNNING);

    long cancelAt = System.nanoTime();
    assertThat(q.service.cancel(id).cancelRequested()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> status(id).status() == JobStatus.CANCELLED);
    assertThat((stoppedAt.get() - cancelAt) / 1e9).isLessThan(1.0);
  }

  @Test
  void resubmissionWithTheSameIdempotencyKeyReturnsTheSameJob() {
    String type = QueueFixture.uniqueType("idem");
    String key = "key-" + type;
    Job first = q.service.submit(type, params(7), 0, key);
    Job again = q.service.submit(type, params(7), 0, key);
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(q.service.count(null, type)).isEqualTo(1);
    assertThatThrownBy(() -> q.service.submit(type, params(8), 0, key))
        .isInstanceOf(Conflict.class);
  }

  @Test
  void stoppingAPoolHandsItsRunningJobBackToTheQueue() throws Exception {
    String type = QueueFixture.uniqueType("shutdown");
    CountDownLatch started = new CountDownLatch(1);
    WorkerPool pool = q.pool("stopping", 1, Duration.ofSeconds(30), QueueFixture.handler(type, ctx -> {
      started.countDown();
      while (true) {
        ctx.report("long", 0.1);
        Thread.sleep(20); // the job's work: a report every 20 ms
      }
    }));
    pool.start();
    long id = q.service.submit(type, params(1), 0, null).id();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    pool.stop();
    Job back = status(id);
    assertThat(back.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(back.attempts()).isZero();
    assertThat(back.leaseOwner()).isNull();
  }

  @Test
  void resultsAreDiscardedWhenTheLeaseWasLostBeforeCompletion() {
    String type = QueueFixture.uniqueType("lost");
    long id = q.service.submit(type, params(1), 0, null).id();
    q.pool("w", 1, Duration.ofSeconds(30), QueueFixture.handler(type, ctx -> {
      // another worker took the job over meanwhile
      q.jdbc.sql("UPDATE job SET lease_owner = 'someone-else' WHERE id = ?").param(ctx.jobId()).update();
      return new JobResult(() -> {
        q.jdbc.sql("UPDATE job SET message = 'written by the loser' WHERE id = ?").param(ctx.jobId()).update();
        return q.json.createObjectNode();
      });
    })).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> "someone-else".equals(status(id).leaseOwner()));
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> status(id).status() == JobStatus.RUNNING);
    assertThat(status(id).message()).isNotEqualTo("written by the loser");
  }
}
