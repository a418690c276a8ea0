package io.snmfservice.support;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.snmfservice.compute.DeviceChoice;

/**
 * The device tests run models and the DJL SNMF backend on: {@code -Dsnmf.device} (as the service reads it), auto
 * by default, so the same tests check a GPU node ({@code scripts/gpu-check.sh} runs them with
 * {@code -Dsnmf.device=cuda}) and the CPU here.
 */
public final class TestDevice {

  private static volatile Device device;

  private TestDevice() {}

  public static Device get() {
    if (device == null) {
      device = DeviceChoice.resolve(System.getProperty("snmf.device", "auto"),
          () -> Engine.getEngine("PyTorch").getGpuCount());
    }
    return device;
  }
}
