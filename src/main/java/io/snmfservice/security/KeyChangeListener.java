package io.snmfservice.security;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps {@link KeyCache} honest across replicas: listens on the {@code api_key_changed} channel, which a trigger on
 * {@code api_key} notifies with the key's id when a key is revoked, expires differently, changes role or is deleted
 * (V14), and evicts that key. The cache is used only while this subscription stands; on a lost connection it is
 * switched off and cleared until the listener has reconnected.
 */
@Component
class KeyChangeListener implements SmartLifecycle {

  static final String CHANNEL = "api_key_changed";
  private static final Logger log = LoggerFactory.getLogger(KeyChangeListener.class);
  private static final int WAIT_MILLIS = 1000;
  private static final long HEALTH_CHECK_NANOS = 5_000_000_000L;

  private final DataSource dataSource;
  private final KeyCache cache;
  private volatile boolean running;
  private volatile Connection connection;
  private Thread thread;

  KeyChangeListener(DataSource dataSource, KeyCache cache) {
    this.dataSource = dataSource;
    this.cache = cache;
  }

  @Override
  public synchronized void start() {
    running = true;
    thread = new Thread(this::listen, "api-key-changes");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public synchronized void stop() {
    running = false;
    cache.setSubscribed(false);
    closeQuietly(connection);
    if (thread != null) {
      thread.interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void listen() {
    boolean failedBefore = false;
    while (running) {
      try (Connection c = open()) {
        connection = c;
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + CHANNEL);
        }
        cache.setSubscribed(true);
        if (failedBefore) {
          log.info("Listening for API key changes again; the key cache is back on");
          failedBefore = false;
        }
        receive(c.unwrap(PGConnection.class), c);
      } catch (SQLException | RuntimeException e) {
        cache.setSubscribed(false);
        if (running && !failedBefore) {
          log.warn("Lost the subscription to API key changes ({}); every request checks its key in the database"
              + " until it is back", e.getMessage());
          failedBefore = true;
        }
        pause();
      }
    }
  }

  private void receive(PGConnection pg, Connection c) throws SQLException {
    long lastCheck = System.nanoTime();
    while (running) {
      PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
      if (notifications != null) {
        for (PGNotification n : notifications) {
          cache.evict(Long.parseLong(n.getParameter()));
        }
      } else if (System.nanoTime() - lastCheck > HEALTH_CHECK_NANOS) {
        // a connection that died quietly would otherwise just look like a quiet channel
        if (!c.isValid(2)) {
          throw new SQLException("the listening connection is no longer valid");
        }
        lastCheck = System.nanoTime();
      }
    }
  }

  /** A connection of its own, outside the pool: it is held for as long as the service runs. */
  private Connection open() throws SQLException {
    if (dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
      return DriverManager.getConnection(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
    }
    return dataSource.getConnection();
  }

  private void pause() {
    try {
      Thread.sleep(WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException e) {
      // closing is all that is left to do with it
    }
  }
}
