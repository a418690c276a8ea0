package io.snmfservice.features.read;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.config.SnmfProperties;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Recent answers of the feature reads (list pages, searches, a feature's detail, top inputs, ...), as the bytes
 * sent, by request path and query. A factorization's features never change once written, except when a
 * description is written or the factorization is deleted; a trigger then notifies every replica (V17) and
 * {@link FeatureChangeListener} empties this cache. It answers only while that subscription stands, so a replica
 * that may have missed a change reads from the database until it listens again.
 */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.API)
public class FeatureResponseCache {

  /** A response as sent: body, content type and its entity tag. */
  record Response(byte[] body, String contentType, String etag) {}

  private final long maxBytes;
  private final Cache<String, Response> entries;
  /** Bumped by every clear, so a read that raced with a change does not cache what it read before it. */
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean subscribed;

  @Autowired
  FeatureResponseCache(SnmfProperties settings, MeterRegistry meters) {
    this(settings.responseCache().maxBytes(), meters);
  }

  FeatureResponseCache(long maxBytes, MeterRegistry meters) {
    this.maxBytes = maxBytes;
    this.entries = Caffeine.newBuilder()
        .maximumWeight(Math.max(maxBytes, 1))
        .<String, Response>weigher((key, r) -> key.length() * 2 + r.body().length + r.etag().length() * 2 + 64)
        .recordStats()
        .build();
    CaffeineCacheMetrics.monitor(meters, entries, "feature-responses");
  }

  boolean enabled() {
    return maxBytes > 0;
  }

  /** The cached response for this request key, or null (also while not subscribed to changes). */
  Response get(String key) {
    return subscribed ? entries.getIfPresent(key) : null;
  }

  /** Read before the database is: {@link #put} keeps a response only if no change arrived since. */
  long generation() {
    return generation.get();
  }

  void put(String key, Response response, long generationBefore) {
    if (!subscribed || response.body().length > maxBytes / 16) {
      return;
    }
    entries.put(key, response);
    if (generation.get() != generationBefore) {
      entries.invalidate(key);
    }
  }

  /** Forgets every response: some feature or factorization changed. */
  public void clear() {
    generation.incrementAndGet();
    entries.invalidateAll();
  }

  /** Subscribed (and enabled): cached answers may be used. Not subscribed: every read goes to the database. */
  void setSubscribed(boolean subscribed) {
    this.subscribed = subscribed && enabled();
    clear();
  }

  boolean isSubscribed() {
    return subscribed;
  }
}
