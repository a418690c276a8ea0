package io.snmfservice.config;

import io.snmfservice.transformer.TorchThreads;
import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;

/**
 * Sets PyTorch's intra-op thread count once: every worker thread runs its own forward passes, and on a small
 * machine a pool per pass that competes with the other workers is many times slower than one thread each.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(ConditionalOnRole.Half.WORKERS)
class TorchConfig {

  private static final Logger log = LoggerFactory.getLogger(TorchConfig.class);
  private final SnmfProperties properties;

  TorchConfig(SnmfProperties properties) {
    this.properties = properties;
  }

  /** Before any bean starts the workers (all singletons exist before lifecycle start). */
  @PostConstruct
  void setThreads() {
    int threads = properties.effectiveTorchThreads();
    TorchThreads.setIntraOpThreads(threads);
    log.info("PyTorch uses {} intra-op thread(s) per forward pass", threads);
  }
}
