package io.snmfservice.storage;

import com.zaxxer.hikari.HikariDataSource;
import io.snmfservice.config.SnmfProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The zero-configuration database: when no {@code spring.datasource.url} is set, an embedded PostgreSQL (real
 * server binaries from Maven Central) is started with its data directory under {@code snmf.data-dir}, so data
 * survives restarts, and restarted by a watchdog if its process dies. It is stopped last, after the connection
 * pool (which depends on it) is closed, and by nothing else (see {@link EmbeddedPostgresServer}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfig.NoDatasourceUrl.class)
public class EmbeddedPostgresConfig {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfig.class);

  @Bean(destroyMethod = "close")
  EmbeddedPostgresServer embeddedPostgres(SnmfProperties properties) throws IOException {
    Path dir = properties.postgresDir().toAbsolutePath();
    Files.createDirectories(dir.getParent());
    stopOrphanedServer(dir);
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir);
    log.info("Embedded PostgreSQL started on port {} with data in {}", postgres.port(), dir);
    return postgres;
  }

  /**
   * The watchdog stops as soon as the context starts closing: a database that stops from then on (as it will, last)
   * is not started again.
   */
  @Bean
  ApplicationListener<ContextClosedEvent> embeddedPostgresWatchdogStop(EmbeddedPostgresServer postgres) {
    return event -> postgres.stopWatching();
  }

  /** The pool settings of {@code spring.datasource.hikari.*} (e.g. the connection timeout) apply here too. */
  @Bean(destroyMethod = "close")
  @ConfigurationProperties("spring.datasource.hikari")
  HikariDataSource dataSource(EmbeddedPostgresServer postgres) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(postgres.jdbcUrl());
    dataSource.setUsername("postgres");
    dataSource.setMaximumPoolSize(20);
    return dataSource;
  }

  /**
   * A server left running by a killed JVM still holds the data directory; ask it to shut down (SIGTERM = smart
   * shutdown, its clients died with the JVM) before starting a new one.
   */
  private static void stopOrphanedServer(Path dataDir) {
    EmbeddedPostgresServer.postmaster(dataDir).ifPresent(p -> {
      log.warn("Stopping orphaned embedded PostgreSQL (pid {}) left by a previous run", p.pid());
      p.destroy();
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("orphaned PostgreSQL pid " + p.pid() + " did not stop", e);
      }
    });
  }

  static class NoDatasourceUrl implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String url = context.getEnvironment().getProperty("spring.datasource.url");
      return url == null || url.isBlank();
    }
  }
}
