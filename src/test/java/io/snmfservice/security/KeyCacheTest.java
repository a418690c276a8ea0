package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** When the key cache answers and when it asks the database (here: a counting loader). */
class KeyCacheTest {

  private final KeyCache cache = new KeyCache();
  private final AtomicInteger loads = new AtomicInteger();
  private final Caller reader = new Caller(7L, "reader", Role.READER);

  private Supplier<Optional<ApiKeys.ActiveKey>> found(Instant expiresAt) {
    return () -> {
      loads.incrementAndGet();
      return Optional.of(new ApiKeys.ActiveKey(reader, expiresAt));
    };
  }

  @Test
  void withoutTheSubscriptionEveryLookupGoesToTheDatabase() {
    cache.get("h", found(null));
    cache.get("h", found(null));
    assertThat(loads).hasValue(2);
  }

  @Test
  void aCachedKeyIsServedUntilEvicted() {
    cache.setSubscribed(true);
    assertThat(cache.get("h", found(null))).contains(reader);
    assertThat(cache.get("h", found(null))).contains(reader);
    assertThat(loads).hasValue(1);
    cache.evict(7L);
    cache.get("h", found(null));
    assertThat(loads).hasValue(2);
  }

  @Test
  void aLookupThatRacedWithAnEvictionIsNotCached() {
    cache.setSubscribed(true);
    cache.get("h", () -> {
      loads.incrementAndGet();
      cache.evict(7L); // the revocation commits while this request reads the key
      return Optional.of(new ApiKeys.ActiveKey(reader, null));
    });
    cache.get("h", found(null));
    assertThat(loads).hasValue(2);
  }

  @Test
  void anExpiredKeyIsLookedUpAgainAndUnknownKeysAreNotCached() {
    cache.setSubscribed(true);
    cache.get("h", found(Instant.now().minusSeconds(1)));
    assertThat(cache.get("h", () -> Optional.empty())).isEmpty();
    assertThat(cache.get("h", () -> Optional.empty())).isEmpty();
    cache.get("h", found(null));
    assertThat(loads).hasValue(2);
  }

  @Test
  void losingTheSubscriptionForgetsEverything() {
    cache.setSubscribed(true);
    cache.get("h", found(null));
    cache.setSubscribed(false);
    cache.setSubscribed(true);
    cache.get("h", found(null));
    assertThat(loads).hasValue(2);
  }
}
