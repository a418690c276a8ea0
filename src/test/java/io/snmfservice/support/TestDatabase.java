package io.snmfservice.support;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The real PostgreSQL that tests run against, started once per test JVM: the server named by
 * {@code SNMF_TEST_DATABASE_URL} when set, else a Testcontainers PostgreSQL when a Docker engine is reachable,
 * else an embedded PostgreSQL (real server binaries from Maven Central) in a temporary directory; with
 * {@code SNMF_REQUIRE_CONTAINERS=true} (CI) there is no embedded fall back.
 *
 * <p>The container's image is {@code SNMF_TEST_POSTGRES_IMAGE} when set, else {@code snmf-local/postgres:15} (Debian's
 * PostgreSQL, made by scripts/local-images.sh where registries cannot be reached) when the engine has it, else the
 * public {@code postgres:16-alpine}. Its port is published on 127.0.0.1 only, and the test JVM removes the container
 * when it exits (Ryuk, which would otherwise, is disabled: its image is not available everywhere).
 */
public final class TestDatabase {

  private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);
  private static final String LOOPBACK = "127.0.0.1";
  private static final int POSTGRES_PORT = 5432;
  private static Connection connection;

  /** JDBC coordinates of the test database. */
  public record Connection(String url, String username, String password, String kind) {}

  private TestDatabase() {}

  public static synchronized Connection get() {
    if (connection == null) {
      connection = start();
      log.info("Tests use PostgreSQL, {}, at {}", connection.kind(), connection.url());
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
      DockerImageName image = postgresImage();
      PostgreSQLContainer container = new PostgreSQLContainer(image)
          .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
              .withPublishAllPorts(false)
              .withPortBindings(new PortBinding(Ports.Binding.bindIp(LOOPBACK), ExposedPort.tcp(POSTGRES_PORT))));
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      String jdbcUrl = "jdbc:postgresql://" + LOOPBACK + ":" + container.getMappedPort(POSTGRES_PORT) + "/"
          + container.getDatabaseName();
      return new Connection(jdbcUrl, container.getUsername(), container.getPassword(), "container (" + image + ")");
    }
    if ("true".equalsIgnoreCase(System.getenv("SNMF_REQUIRE_CONTAINERS"))) {
      // CI provides an engine: a silent fall back to the embedded database would hide that the container path broke
      throw new IllegalStateException("no Docker engine answers Testcontainers, and SNMF_REQUIRE_CONTAINERS=true");
    }
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
      return new Connection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", "embedded");
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL", e);
    }
  }

  private static DockerImageName postgresImage() {
    String named = System.getenv("SNMF_TEST_POSTGRES_IMAGE");
    if (named != null && !named.isBlank()) {
      return DockerImageName.parse(named).asCompatibleSubstituteFor("postgres");
    }
    if (imagePresent(ContainerEngine.LOCAL_POSTGRES_IMAGE)) {
      return DockerImageName.parse(ContainerEngine.LOCAL_POSTGRES_IMAGE).asCompatibleSubstituteFor("postgres");
    }
    return DockerImageName.parse("postgres:16-alpine");
  }

  private static boolean imagePresent(String image) {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
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
