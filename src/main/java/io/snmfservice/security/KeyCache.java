package io.snmfservice.security;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Recently checked API keys, by key hash, so that a busy key is not looked up on every request. It answers only
 * while {@link KeyChangeListener} is subscribed to key changes (every revocation on any replica evicts the key at
 * once); entries also age out after {@link #TTL_NANOS}, a bound for changes a broken subscription could miss.
 * Unknown keys are never cached.
 */
@Component
class KeyCache {

  static final long TTL_NANOS = 10_000_000_000L;

  private record Entry(Caller caller, Instant expiresAt, long loadedAt) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  /** Bumped by every eviction, so a lookup that raced with one does not cache what it read before it. */
  private final AtomicLong evictions = new AtomicLong();
  private volatile boolean subscribed;

  /** The cached caller of this key hash, else what {@code load} finds (cached when found and subscribed). */
  Optional<Caller> get(String keyHash, Supplier<Optional<ApiKeys.ActiveKey>> load) {
    Optional<Caller> cached = peek(keyHash);
    if (cached.isPresent()) {
      return cached;
    }
    long now = System.nanoTime();
    long before = evictions.get();
    Optional<ApiKeys.ActiveKey> key = load.get();
    if (key.isPresent() && subscribed) {
      Entry loaded = new Entry(key.get().caller(), key.get().expiresAt(), now);
      entries.put(keyHash, loaded);
      if (evictions.get() != before) {
        entries.remove(keyHash, loaded);
      }
    } else {
      entries.remove(keyHash);
    }
    return key.map(ApiKeys.ActiveKey::caller);
  }

  /** The cached caller of this key hash, if a fresh entry is there; never asks the database. */
  Optional<Caller> peek(String keyHash) {
    Entry e = subscribed ? entries.get(keyHash) : null;
    boolean fresh = e != null && System.nanoTime() - e.loadedAt() < TTL_NANOS
        && (e.expiresAt() == null || e.expiresAt().isAfter(Instant.now()));
    return fresh ? Optional.of(e.caller()) : Optional.empty();
  }

  /** Forgets key {@code id} (revoked, expired or changed). */
  void evict(long keyId) {
    evictions.incrementAndGet();
    entries.values().removeIf(e -> keyId == e.caller().keyId());
  }

  boolean isSubscribed() {
    return subscribed;
  }

  /** Subscribed: cached answers may be used. Not subscribed: every lookup goes to the database. */
  void setSubscribed(boolean subscribed) {
    this.subscribed = subscribed;
    evictions.incrementAndGet();
    entries.clear();
  }
}
