package io.snmfservice.compute;

import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import io.snmfservice.support.TestDevice;

/**
 * Prints what this machine offers for {@code -Dsnmf.device} (scripts/gpu-check.sh runs it first): the PyTorch
 * engine, the GPUs DJL sees, the resolved device, its free memory and the SNMF backend; exits 1 when the device
 * cannot be used.
 */
public final class DeviceReport {

  private DeviceReport() {}

  public static void main(String[] args) {
    try {
      Engine engine = Engine.getEngine(ComputeDevice.ENGINE);
      System.out.println("REPORT engine=" + engine.getEngineName() + " " + engine.getVersion()
          + " gpus=" + engine.getGpuCount() + " cuda=" + (CudaUtils.hasCuda() ? CudaUtils.getCudaVersionString() : "none"));
      for (int i = 0; i < engine.getGpuCount(); i++) {
        System.out.println("REPORT gpu" + i + " compute capability " + CudaUtils.getComputeCapability(i));
      }
      ComputeDevice compute = TestDevice.compute();
      System.out.println("REPORT device=" + compute.device() + " backend=" + compute.backend()
          + " freeMiB=" + (compute.freeBytes() >> 20)
          + " chunk(d=3072,K=50)=" + compute.snmfChunkColumns(3072, 50));
    } catch (RuntimeException e) {
      System.out.println("REPORT failed: " + e.getMessage());
      System.exit(1);
    }
  }
}
