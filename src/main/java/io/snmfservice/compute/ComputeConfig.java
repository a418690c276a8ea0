package io.snmfservice.compute;

import io.snmfservice.activations.store.Float16;
import io.snmfservice.snmf.OpenBlasCoreCheck;
import io.snmfservice.snmf.SnmfEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Resolves {@code snmf.device} once at startup; a GPU that was asked for but is missing stops the start. */
@Configuration(proxyBeanMethods = false)
class ComputeConfig {

  private static final Logger log = LoggerFactory.getLogger(ComputeConfig.class);

  @Bean
  ComputeDevice computeDevice(ComputeProperties properties) {
    ComputeDevice device = ComputeDevice.resolve(properties);
    log.info("Compute device {} from snmf.device={}, snmf.factorization.backend={}; {} MiB free", device,
        properties.device(), properties.factorization().backend(), device.freeBytes() >> 20);
    String core = OpenBlasCoreCheck.coreTypeInEnvironment();
    log.info("OpenBLAS kernels (ND4J on the CPU): {}", core == null ? "detected by OpenBLAS" : "OPENBLAS_CORETYPE=" + core);
    // choosing (and compiling) the SIMD widening takes about half a CPU second: beside the start, not in it
    Thread widening = new Thread(() -> log.info("float16 activations widen with {}", Float16.widening()),
        "float16-widening");
    widening.setDaemon(true);
    widening.start();
    return device;
  }

  @Bean
  ComputeBudget computeBudget(ComputeProperties properties) {
    return new ComputeBudget(properties.budget().heavyStages());
  }

  @Bean
  SnmfEngine snmfEngine(ComputeDevice device) {
    return device.snmfEngine();
  }
}
