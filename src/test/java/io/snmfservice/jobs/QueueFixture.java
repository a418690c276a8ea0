package io.snmfservice.jobs;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.snmfservice.security.SecurityProperties;
import io.snmfservice.support.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The queue's parts on the test PostgreSQL, without the web application around them. */
final class QueueFixture implements AutoCloseable {

  final HikariDataSource dataSource = new HikariDataSource();
  final JsonMapper json = JsonMapper.builder().build();
  final JdbcClient jdbc;
  final JobStore store;
  final JobService service;
  final TransactionTemplate transactions;
  private final List<WorkerPool> pools = new ArrayList<>();

  QueueFixture() {
    this(TestDatabase.get());
  }

  /** On a database of the test's own, e.g. a server it stops and starts again. */
  QueueFixture(TestDatabase.Connection db) {
    dataSource.setJdbcUrl(db.url());
    dataSource.setUsername(db.username());
    dataSource.setPassword(db.password());
    dataSource.setMaximumPoolSize(16);
    dataSource.setConnectionTimeout(1000);
    Flyway.configure().dataSource(dataSource).load().migrate();
    jdbc = JdbcClient.create(dataSource);
    store = new JobStore(jdbc, json);
    transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    service = new JobService(store, transactions, new JobEvents(new SimpleMeterRegistry()),
        new SecurityProperties.Quota(20, 50, 200, 1, true, Duration.ofSeconds(30)), 3);
  }

  /** A job type no other test uses, so pools of different tests never take each other's jobs. */
  static String uniqueType(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  WorkerPool pool(String owner, int threads, Duration lease, JobHandler... handlers) {
    WorkerPool pool =
        new WorkerPool(
            owner,
            store,
            List.of(handlers),
            transactions,
            json,
            new WorkerPool.Settings(threads, Duration.ofMillis(20), lease, Duration.ofMillis(100), Duration.ofSeconds(2)),
            new JobEvents(new SimpleMeterRegistry()));
    pools.add(pool);
    return pool;
  }

  static JobHandler handler(String type, ThrowingRun body) {
    return new JobHandler() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public JobResult run(JobContext context) throws Exception {
        return body.run(context);
      }
    };
  }

  interface ThrowingRun {
    JobResult run(JobContext context) throws Exception;
  }

  @Override
  public void close() {
    pools.forEach(WorkerPool::stop);
    dataSource.close();
  }
}
