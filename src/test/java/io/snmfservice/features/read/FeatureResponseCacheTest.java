package io.snmfservice.features.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The cache's rules on its own: answers only while subscribed, never keeps what raced with a change, tags. */
class FeatureResponseCacheTest {

  private final FeatureResponseCache cache = new FeatureResponseCache(1 << 20, new SimpleMeterRegistry());
  private final FeatureResponseCache.Response answer =
      new FeatureResponseCache.Response(new byte[] {'{', '}'}, "application/json", "\"a\"");

  @Test
  void answersOnlyWhileSubscribed() {
    cache.put("/k", answer, cache.generation());
    assertThat(cache.get("/k")).isNull();

    cache.setSubscribed(true);
    cache.put("/k", answer, cache.generation());
    assertThat(cache.get("/k")).isSameAs(answer);

    cache.setSubscribed(false);
    assertThat(cache.get("/k")).isNull();
    cache.setSubscribed(true);
    assertThat(cache.get("/k")).isNull(); // a lost subscription may have missed changes: nothing survives it
  }

  @Test
  void aReadThatRacedWithAChangeIsNotKept() {
    cache.setSubscribed(true);
    long before = cache.generation();
    cache.clear(); // a change arrives while the read is at the database
    cache.put("/k", answer, before);
    assertThat(cache.get("/k")).isNull();
  }

  @Test
  void answersLargerThanASixteenthOfTheCacheAreNotKept() {
    cache.setSubscribed(true);
    cache.put("/big", new FeatureResponseCache.Response(new byte[(1 << 20) / 16 + 1], "application/json", "\"b\""),
        cache.generation());
    assertThat(cache.get("/big")).isNull();
  }

  @Test
  void ifNoneMatchComparesTagsWeakly() {
    assertThat(FeatureReadFilter.matches(null, "\"a\"")).isFalse();
    assertThat(FeatureReadFilter.matches("\"a\"", "\"a\"")).isTrue();
    assertThat(FeatureReadFilter.matches("W/\"a\"", "\"a\"")).isTrue();
    assertThat(FeatureReadFilter.matches("\"b\", \"a\"", "\"a\"")).isTrue();
    assertThat(FeatureReadFilter.matches("*", "\"a\"")).isTrue();
    assertThat(FeatureReadFilter.matches("\"b\"", "\"a\"")).isFalse();
    assertThat(FeatureReadFilter.etag("x".getBytes())).isEqualTo(FeatureReadFilter.etag("x".getBytes()))
        .isNotEqualTo(FeatureReadFilter.etag("y".getBytes()));
  }
}
