package io.snmfservice.security;

import io.snmfservice.errors.Conflict;
import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** The key registry: creates, lists, revokes and checks API keys (stored only as hashes). */
@Service
public class ApiKeys {

  private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
  /** A key that still works: not revoked, not expired. */
  private static final String ACTIVE = " revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())";
  private static final String COLUMNS =
      "id, name, role, key_prefix, created_by, created_at, last_used_at, expires_at, revoked_at";

  private final JdbcClient jdbc;
  private final KeyCache cache;

  ApiKeys(JdbcClient jdbc, KeyCache cache) {
    this.jdbc = jdbc;
    this.cache = cache;
  }

  /** A key that works, with the moment it stops working (null: never). */
  record ActiveKey(Caller caller, Instant expiresAt) {}

  /** Creates a key with a fresh random secret; the secret is returned once and never stored. */
  @Transactional
  public CreatedApiKey create(String name, Role role, Instant expiresAt, Long createdBy) {
    if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
      throw Invalid.value("expiresAt", "expiresAt must be in the future, was " + expiresAt);
    }
    String secret = KeySecrets.generate();
    long id = insert(name, role, secret, expiresAt, createdBy);
    log.info("Created API key {} '{}' with role {}", id, name, role.lowerName());
    return new CreatedApiKey(secret, get(id));
  }

  /** Stores a key whose secret was chosen elsewhere (the configured bootstrap key); false if it exists already. */
  @Transactional
  public boolean register(String name, Role role, String secret) {
    if (jdbc.sql("SELECT count(*) FROM api_key WHERE key_hash = ?").param(KeySecrets.hash(secret))
        .query(Long.class).single() > 0) {
      return false;
    }
    insert(name, role, secret, null, null);
    return true;
  }

  private long insert(String name, Role role, String secret, Instant expiresAt, Long createdBy) {
    return jdbc.sql("INSERT INTO api_key (name, role, key_hash, key_prefix, expires_at, created_by)"
            + " VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
        .params(name, role.name(), KeySecrets.hash(secret), KeySecrets.visiblePrefix(secret),
            expiresAt == null ? null : Timestamp.from(expiresAt), createdBy)
        .query(Long.class)
        .single();
  }

  public ApiKeyView get(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM api_key WHERE id = ?").param(id).query(this::view).optional()
        .orElseThrow(() -> new NotFound("API key", id));
  }

  public List<ApiKeyView> list(int offset, int limit) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM api_key ORDER BY id OFFSET ? LIMIT ?")
        .params(offset, limit).query(this::view).list();
  }

  public long count() {
    return jdbc.sql("SELECT count(*) FROM api_key").query(Long.class).single();
  }

  /**
   * Revokes a key at once: this replica forgets it when the revocation commits, the others when the database
   * notifies them (see {@link KeyChangeListener}). The last active admin key cannot be revoked, so that someone can
   * always manage keys.
   */
  @Transactional
  public ApiKeyView revoke(long id) {
    // one revocation at a time, so two admins cannot revoke each other's keys and leave none
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('api_key_revoke'))").query(Object.class).optional();
    ApiKeyView key = get(id);
    if (key.revokedAt() != null) {
      return key;
    }
    if (key.active() && Role.parse(key.role()) == Role.ADMIN) {
      long otherAdmins = jdbc.sql("SELECT count(*) FROM api_key WHERE role = 'ADMIN' AND id <> ? AND" + ACTIVE)
          .param(id).query(Long.class).single();
      if (otherAdmins == 0) {
        throw new Conflict("API key " + id + " is the last active admin key; create another admin key first");
      }
    }
    jdbc.sql("UPDATE api_key SET revoked_at = now() WHERE id = ?").param(id).update();
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        cache.evict(id);
      }
    });
    log.info("Revoked API key {} '{}'", id, key.name());
    return get(id);
  }

  /** Whether key {@code id} still works (exists, not revoked, not expired). */
  public boolean isActive(long id) {
    return jdbc.sql("SELECT count(*) FROM api_key WHERE id = ? AND" + ACTIVE).param(id).query(Long.class)
        .single() > 0;
  }

  /** The caller a presented key stands for, if the key exists, is not revoked and has not expired. */
  public Optional<Caller> authenticate(String secret) {
    String hash = KeySecrets.hash(secret);
    return cache.get(hash, () -> lookup(hash));
  }

  /** The caller of a presented key as far as this replica's cache knows it, without asking the database. */
  Optional<Caller> cachedCaller(String secret) {
    return cache.peek(KeySecrets.hash(secret));
  }

  /** A key that exists but no longer works: who it was and why (revoked or expired), for the audit trail. */
  record InactiveKey(long id, String name, String reason) {}

  /** The key a presented secret belongs to if it exists but is revoked or expired; empty for an unknown secret. */
  Optional<InactiveKey> inactive(String secret) {
    return jdbc.sql("SELECT id, name, revoked_at IS NOT NULL AS revoked FROM api_key WHERE key_hash = ? AND NOT ("
            + ACTIVE + ")")
        .param(KeySecrets.hash(secret))
        .query((rs, i) -> new InactiveKey(rs.getLong("id"), rs.getString("name"),
            rs.getBoolean("revoked") ? "revoked" : "expired"))
        .optional();
  }

  private Optional<ActiveKey> lookup(String keyHash) {
    Optional<ActiveKey> key = jdbc.sql("SELECT id, name, role, expires_at FROM api_key WHERE key_hash = ? AND" + ACTIVE)
        .param(keyHash)
        .query((rs, i) -> new ActiveKey(new Caller(rs.getLong("id"), rs.getString("name"),
            Role.valueOf(rs.getString("role"))), instant(rs.getTimestamp("expires_at"))))
        .optional();
    // last use to the minute: enough for operators, and a busy key does not write on every request (a cached
    // key is looked up again, and its last use written, once the cache entry ages out)
    key.ifPresent(k -> jdbc.sql("UPDATE api_key SET last_used_at = now() WHERE id = ?"
        + " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')").param(k.caller().keyId())
        .update());
    return key;
  }

  private ApiKeyView view(ResultSet rs, int row) throws SQLException {
    Instant expires = instant(rs.getTimestamp("expires_at"));
    Instant revoked = instant(rs.getTimestamp("revoked_at"));
    Long createdBy = rs.getObject("created_by", Long.class);
    return new ApiKeyView(
        rs.getLong("id"),
        rs.getString("name"),
        rs.getString("role").toLowerCase(java.util.Locale.ROOT),
        rs.getString("key_prefix"),
        createdBy,
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("last_used_at")),
        expires,
        revoked,
        revoked == null && (expires == null || expires.isAfter(Instant.now())));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
