package io.snmfservice.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The zero-configuration database: when no {@code spring.datasource.url} is set, an embedded PostgreSQL (real
 * server binaries from Maven Central) is started with its data directory under {@code snmf.data-dir}, so data
 * survives restarts.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfig.NoDatasourceUrl.class)
public class EmbeddedPostgresConfig {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfig.class);

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(SnmfProperties properties) throws IOException {
    Path dir = properties.postgresDir().toAbsolutePath();
    Files.createDirectories(dir.getParent());
    stopOrphanedServer(dir);
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setServerConfig("max_connections", "100")
            // the library's defaults suit throw-away test databases; this one keeps the service's data
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .start();
    log.info("Embedded PostgreSQL started on port {} with data in {}", postgres.getPort(), dir);
    return postgres;
  }

  @Bean(destroyMethod = "close")
  DataSource dataSource(EmbeddedPostgres postgres) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    dataSource.setUsername("postgres");
    dataSource.setMaximumPoolSize(20);
    return dataSource;
  }

  /**
   * A server left running by a killed JVM still holds the data directory; ask it to shut down (SIGTERM = smart
   * shutdown, its clients died with the JVM) before starting a new one.
   */
  private static void stopOrphanedServer(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    String firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
    if (!firstLine.matches("\\d+")) {
      return;
    }
    ProcessHandle.of(Long.parseLong(firstLine))
        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
        .ifPresent(
            p -> {
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
