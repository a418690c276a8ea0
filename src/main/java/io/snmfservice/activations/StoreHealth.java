package io.snmfservice.activations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.snmfservice.config.SnmfProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The activation store in health details (free and used bytes; DOWN below 1 GiB free, since collections would
 * fail) and as metrics {@code snmf_store_free_bytes} and {@code snmf_store_used_bytes}.
 */
@Component("activationStore")
class StoreHealth implements HealthIndicator {

  static final long MIN_FREE_BYTES = 1L << 30;

  private final Path store;

  StoreHealth(SnmfProperties properties, MeterRegistry registry) {
    this.store = properties.activationsDir();
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
    Health.Builder health = Double.isNaN(free) || free >= MIN_FREE_BYTES ? Health.up() : Health.down();
    return health.withDetail("path", store.toString()).withDetail("freeBytes", (long) free)
        .withDetail("usedBytes", DiskUsage.of(store)).build();
  }
}
