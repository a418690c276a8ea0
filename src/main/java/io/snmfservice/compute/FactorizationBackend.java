package io.snmfservice.compute;

import ai.djl.Device;

/** The tensor library behind SNMF's {@link io.snmfservice.snmf.TensorOps} seam. */
public enum FactorizationBackend {
  /** DJL/libtorch when the device is a GPU (drives CUDA 12 GPUs), ND4J on the CPU (faster there). */
  AUTO,
  /** ND4J: OpenBLAS on the CPU, or its CUDA 11 backend with the {@code cuda} Maven profile. */
  ND4J,
  /** DJL's PyTorch engine on the configured device. */
  DJL;

  /** The concrete backend for a device: never {@link #AUTO}. */
  public FactorizationBackend on(Device device) {
    if (this != AUTO) {
      return this;
    }
    return device.isGpu() ? DJL : ND4J;
  }
}
