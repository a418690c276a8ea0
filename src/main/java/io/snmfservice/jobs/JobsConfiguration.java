package io.snmfservice.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.config.SnmfProperties;
import io.snmfservice.security.SecurityProperties;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wires the queue: the store and service everywhere; worker pool and lease reaper where the role runs workers. */
@Configuration(proxyBeanMethods = false)
class JobsConfiguration {

  @Bean
  JobStore jobStore(JdbcClient jdbc, JsonMapper json) {
    return new JobStore(jdbc, json);
  }

  @Bean
  JobEvents jobEvents(MeterRegistry registry) {
    return new JobEvents(registry);
  }

  @Bean
  JobService jobService(JobStore store, TransactionTemplate transactions, JobEvents events, SecurityProperties security,
      SnmfProperties properties) {
    return new JobService(store, transactions, events, security.quota(), properties.workers().maxAttempts());
  }

  @Bean
  @ConditionalOnRole(ConditionalOnRole.Half.WORKERS)
  WorkerPool workerPool(
      JobStore store,
      List<JobHandler> handlers,
      TransactionTemplate transactions,
      JsonMapper json,
      SnmfProperties properties,
      JobEvents events) {
    SnmfProperties.Workers w = properties.workers();
    String owner = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    return new WorkerPool(
        owner,
        store,
        handlers,
        transactions,
        json,
        new WorkerPool.Settings(
            w.threads(), w.pollInterval(), w.leaseDuration(), w.heartbeatInterval(), w.shutdownGrace()),
        events);
  }

  @Bean
  @ConditionalOnRole(ConditionalOnRole.Half.WORKERS)
  LeaseReaper leaseReaper(JobStore store, SnmfProperties properties) {
    return new LeaseReaper(store, properties.workers().reaperInterval());
  }

  /** Starts workers after the context is up and hands their jobs back before the database goes away. */
  @Bean
  @ConditionalOnRole(ConditionalOnRole.Half.WORKERS)
  SmartLifecycle workerLifecycle(WorkerPool pool, LeaseReaper reaper) {
    return new SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        reaper.start();
        pool.start();
        running = true;
      }

      @Override
      public void stop() {
        pool.stop();
        reaper.stop();
        running = false;
      }

      @Override
      public boolean isRunning() {
        return running;
      }
    };
  }

  /** Queue depth by type and status for dashboards, refreshed every few seconds from the shared database. */
  @Bean(destroyMethod = "shutdownNow")
  ScheduledExecutorService jobGauges(JdbcClient jdbc, MeterRegistry registry) {
    MultiGauge gauge =
        MultiGauge.builder("snmf.jobs.active").description("queued and running jobs").register(registry);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "job-gauges");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            gauge.register(
                jdbc.sql(
                        "SELECT type, status, count(*) AS n FROM job WHERE status IN ('QUEUED', 'RUNNING')"
                            + " GROUP BY type, status")
                    .query(
                        (rs, i) ->
                            MultiGauge.Row.of(
                                Tags.of("type", rs.getString("type"), "status", rs.getString("status")),
                                rs.getLong("n")))
                    .list(),
                true);
          } catch (RuntimeException e) {
            // the database may be briefly unavailable; the next refresh catches up
          }
        },
        0,
        5,
        TimeUnit.SECONDS);
    return scheduler;
  }
}
