package io.snmfservice.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The real PostgreSQL that tests run against, started once per test JVM: the server named by
 * {@code SNMF_TEST_DATABASE_URL} when set, else a Testcontainers PostgreSQL when a Docker engine is reachable,
 * else an embedded PostgreSQL (real server binaries from Maven Central) in a temporary directory.
 */
public final class TestDatabase {

  private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);
  private static Connection connection;

  /** JDBC coordinates of the test database. */
  public record Connection(String url, String username, String password, String kind) {}

  private TestDatabase() {}

  public static synchronized Connection get() {
    if (connection == null) {
      connection = start();
      log.info("Tests use {} PostgreSQL at {}", connection.kind(), connection.url());
    }
    return connection;
  }

  /**
   * A fresh, empty database on the same server, for tests whose service processes must not share a queue with
   * the application contexts of other tests.
   */
  public static Connection createDatabase(String name) {
    Connection server = get();
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(server.url(), server.username(), server.password());
        java.sql.Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    String url = server.url().replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
    return new Connection(url, server.username(), server.password(), server.kind());
  }

  private static Connection start() {
    String url = System.getenv("SNMF_TEST_DATABASE_URL");
    if (url != null && !url.isBlank()) {
      return new Connection(
          url,
          System.getenv().getOrDefault("SNMF_TEST_DATABASE_USERNAME", "postgres"),
          System.getenv().getOrDefault("SNMF_TEST_DATABASE_PASSWORD", ""),
          "external");
    }
    if (dockerAvailable()) {
      PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
      container.start();
      return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword(), "Testcontainers");
    }
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
      return new Connection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", "embedded");
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL", e);
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      // the JVM is exiting anyway
    }
  }
}
