package io.snmfservice.storage;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Recognizes failures that mean "the database cannot be reached right now" (server down or restarting, pool timed
 * out waiting for a connection) as opposed to errors of the statement itself: the former are answered with 503 and
 * retried by workers, the latter are bugs or bad input.
 */
public final class DatabaseUnavailable {

  private DatabaseUnavailable() {}

  /** Whether {@code e} or any of its causes says the database is unreachable. */
  public static boolean isCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DataAccessResourceFailureException
          || t instanceof CannotCreateTransactionException
          || t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof ConnectException
          || t instanceof SQLException sql && connectionState(sql.getSQLState())) {
        return true;
      }
      // a rollback on a dead connection fails too and hides the statement's error, which tells why
      if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
          && isCause(rollback.getApplicationException())) {
        return true;
      }
    }
    return false;
  }

  /**
   * SQLSTATE class 08 (connection exception) and 57P01-57P03 (server shutting down, crashed, or still starting);
   * 57014 (query cancelled) is not an outage.
   */
  private static boolean connectionState(String state) {
    return state != null && (state.startsWith("08") || state.startsWith("57P0"));
  }
}
