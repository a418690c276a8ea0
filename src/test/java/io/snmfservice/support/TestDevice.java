package io.snmfservice.support;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.snmfservice.compute.ComputeDevice;
import io.snmfservice.compute.ComputeProperties;
import io.snmfservice.compute.DeviceChoice;
import io.snmfservice.compute.FactorizationBackend;
import io.snmfservice.snmf.SnmfEngine;
import java.util.Locale;
import org.springframework.util.unit.DataSize;

/**
 * The device tests run models and the DJL SNMF backend on: {@code -Dsnmf.device} (as the service reads it), auto
 * by default, so the same tests check a GPU node ({@code scripts/gpu-check.sh} runs them with
 * {@code -Dsnmf.device=cuda}) and the CPU here.
 */
public final class TestDevice {

  private static volatile Device device;
  private static volatile ComputeDevice compute;

  private TestDevice() {}

  public static Device get() {
    if (device == null) {
      device = DeviceChoice.resolve(System.getProperty("snmf.device", "auto"),
          () -> Engine.getEngine("PyTorch").getGpuCount());
    }
    return device;
  }

  /** The device with the SNMF backend {@code -Dsnmf.factorization.backend} (auto by default) picks for it. */
  public static ComputeDevice compute() {
    if (compute == null) {
      String backend = System.getProperty("snmf.factorization.backend", "auto").toUpperCase(Locale.ROOT);
      compute = ComputeDevice.resolve(new ComputeProperties(System.getProperty("snmf.device", "auto"),
          new ComputeProperties.Factorization(FactorizationBackend.valueOf(backend), java.time.Duration.ofSeconds(60), 0),
          new ComputeProperties.Memory(0.5, 512, 65536, DataSize.ofMegabytes(256)), new ComputeProperties.Budget(1)));
    }
    return compute;
  }

  /** The SNMF engine the service would use on this machine with these settings. */
  public static SnmfEngine snmfEngine() {
    return compute().snmfEngine();
  }
}
