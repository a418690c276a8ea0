package io.snmfservice.activations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.snmfservice.config.SnmfProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The activation store in health details (free and used bytes, the configured limit, the last time it ran out of
 * room; DOWN below 1 GiB free or at its limit, since collections would fail) and as metrics
 * {@code snmf_store_free_bytes} and {@code snmf_store_used_bytes}.
 */
@Component("activationStore")
class StoreHealth implements HealthIndicator {

  static final long MIN_FREE_BYTES = 1L << 30;

  private final Path store;
  private final StoreSpace space;

  StoreHealth(SnmfProperties properties, StoreSpace space, MeterRegistry registry) {
    this.store = properties.activationsDir();
    this.space = space;
    Gauge.builder("snmf.store.free", this, StoreHealth::freeBytes).baseUnit("bytes")
        .description("free space of the file system holding the activation store").register(registry);
    Gauge.builder("snmf.store.used", this, s -> DiskUsage.of(s.store)).baseUnit("bytes")
        .description("bytes of activation sets in the store").register(registry);
  }

  double freeBytes() {
    try {
      Path existing = store;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      return existing == null ? Double.NaN : Files.getFileStore(existing).getUsableSpace();
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  @Override
  public Health health() {
    double free = freeBytes();
    long used = DiskUsage.of(store);
    boolean atLimit = space.maxBytes() > 0 && used >= space.maxBytes();
    Health.Builder health = atLimit || free < MIN_FREE_BYTES ? Health.down() : Health.up();
    health.withDetail("path", store.toString()).withDetail("freeBytes", (long) free).withDetail("usedBytes", used);
    if (space.maxBytes() > 0) {
      health.withDetail("maxStoreBytes", space.maxBytes());
    }
    space.lastShortage().ifPresent(s -> health.withDetail("lastShortage",
        Map.of("at", s.at().toString(), "detail", s.detail())));
    return health.build();
  }
}
