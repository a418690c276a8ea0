package io.snmfservice.audit;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code audit} table: appended to by the security layer, read by admins. */
@Repository
public class AuditLog {

  /** How a state-changing request ended. */
  public enum Outcome {
    SUCCEEDED, DENIED, REJECTED;

    public static Outcome ofStatus(int status) {
      if (status < 400) {
        return SUCCEEDED;
      }
      return status == 401 || status == 403 ? DENIED : REJECTED;
    }
  }

  private final JdbcClient jdbc;

  public AuditLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void record(Long keyId, String keyName, String action, String path, String target, int status) {
    jdbc.sql("INSERT INTO audit (key_id, key_name, action, path, target, status, outcome) VALUES (?,?,?,?,?,?,?)")
        .params(keyId, keyName, action, path, target, status, Outcome.ofStatus(status).name())
        .update();
  }

  /** Newest first, optionally only one key's entries. */
  public List<AuditEntry> list(Long keyId, int offset, int limit) {
    return jdbc.sql("SELECT id, at, key_id, key_name, action, path, target, status, outcome FROM audit"
            + " WHERE (CAST(? AS BIGINT) IS NULL OR key_id = ?) ORDER BY id DESC OFFSET ? LIMIT ?")
        .params(keyId, keyId, offset, limit)
        .query((rs, i) -> new AuditEntry(rs.getLong("id"), rs.getTimestamp("at").toInstant(),
            rs.getObject("key_id", Long.class), rs.getString("key_name"), rs.getString("action"), rs.getString("path"),
            rs.getString("target"), rs.getInt("status"), rs.getString("outcome")))
        .list();
  }

  public long count(Long keyId) {
    return jdbc.sql("SELECT count(*) FROM audit WHERE (CAST(? AS BIGINT) IS NULL OR key_id = ?)")
        .params(keyId, keyId).query(Long.class).single();
  }
}
