package io.snmfservice.storage;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Listens on one PostgreSQL notification channel for as long as the service runs, on a connection of its own, and
 * hands each notification's payload to its owner. A cache kept honest by such a channel must be used only while the
 * subscription stands: the owner hears {@code subscribed(false)} when the connection is lost (nothing sent meanwhile
 * will arrive) and {@code subscribed(true)} once it listens again.
 */
public class ChannelListener implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ChannelListener.class);
  private static final int WAIT_MILLIS = 1000;
  private static final long HEALTH_CHECK_NANOS = 5_000_000_000L;

  private final DataSource dataSource;
  private final String channel;
  private final String offMeans;
  private final Consumer<Boolean> subscribed;
  private final Consumer<String> notified;
  private volatile boolean running;
  private volatile Connection connection;
  private Thread thread;

  /**
   * @param offMeans what a lost subscription means for the service, for the log ("the key cache is off")
   * @param subscribed told whether the subscription stands, each time that changes
   * @param notified given each notification's payload
   */
  public ChannelListener(DataSource dataSource, String channel, String offMeans, Consumer<Boolean> subscribed,
      Consumer<String> notified) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.offMeans = offMeans;
    this.subscribed = subscribed;
    this.notified = notified;
  }

  @Override
  public synchronized void start() {
    running = true;
    thread = new Thread(this::listen, "listen-" + channel);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public synchronized void stop() {
    running = false;
    subscribed.accept(false);
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
          st.execute("LISTEN " + channel);
        }
        subscribed.accept(true);
        if (failedBefore) {
          log.info("Listening on {} again", channel);
          failedBefore = false;
        }
        receive(c.unwrap(PGConnection.class), c);
      } catch (SQLException | RuntimeException e) {
        subscribed.accept(false);
        if (running && !failedBefore) {
          log.warn("Lost the subscription to {} ({}); {} until it is back", channel, e.getMessage(), offMeans);
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
          notified.accept(n.getParameter());
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

  /** A connection outside the pool: it is held for as long as the service runs. */
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
