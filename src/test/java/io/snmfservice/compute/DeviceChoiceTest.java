package io.snmfservice.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.snmfservice.snmf.DjlTensorOps;
import io.snmfservice.snmf.Nd4jTensorOps;
import io.snmfservice.snmf.SnmfPrecision;
import io.snmfservice.snmf.TensorOps;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** snmf.device and snmf.factorization.backend, resolved against a given number of GPUs. */
class DeviceChoiceTest {

  private static final ComputeProperties.Memory MEMORY =
      new ComputeProperties.Memory(0.5, 512, 65536, DataSize.ofMegabytes(256));

  private static ComputeProperties settings(String device, FactorizationBackend backend) {
    return new ComputeProperties(device, new ComputeProperties.Factorization(backend, java.time.Duration.ofSeconds(60), 0), MEMORY,
        new ComputeProperties.Budget(1));
  }

  @Test
  void autoPicksTheFirstGpuWhenTheEngineReportsOneElseTheCpu() {
    assertThat(DeviceChoice.resolve("auto", () -> 0)).isEqualTo(Device.cpu());
    assertThat(DeviceChoice.resolve("auto", () -> 2)).isEqualTo(Device.gpu(0));
    assertThat(DeviceChoice.resolve(" AUTO ", () -> 1)).isEqualTo(Device.gpu(0));
  }

  @Test
  void cpuNeverAsksTheEngine() {
    assertThat(DeviceChoice.resolve("cpu", () -> {
      throw new AssertionError("the GPU count must not be queried for cpu");
    })).isEqualTo(Device.cpu());
  }

  @Test
  void cudaAndCudaNPickThatGpu() {
    assertThat(DeviceChoice.resolve("cuda", () -> 1)).isEqualTo(Device.gpu(0));
    assertThat(DeviceChoice.resolve("cuda:1", () -> 2)).isEqualTo(Device.gpu(1));
  }

  @Test
  void aMissingGpuIsAClearErrorNotASilentCpuRun() {
    assertThatThrownBy(() -> DeviceChoice.resolve("cuda", () -> 0))
        .isInstanceOf(DeviceUnavailableException.class)
        .hasMessageContaining("snmf.device=cuda asks for a GPU")
        .hasMessageContaining("no CUDA device")
        .hasMessageContaining("snmf.device=cpu");
    assertThatThrownBy(() -> DeviceChoice.resolve("cuda:2", () -> 2))
        .isInstanceOf(DeviceUnavailableException.class)
        .hasMessageContaining("asks for GPU 2")
        .hasMessageContaining("cuda:0 to cuda:1");
  }

  @Test
  void unknownSettingsAreRejected() {
    for (String bad : new String[] {"gpu", "cuda:", "cuda:x", "tpu", "cuda:-1"}) {
      assertThatThrownBy(() -> DeviceChoice.resolve(bad, () -> 1))
          .as(bad).isInstanceOf(DeviceUnavailableException.class)
          .hasMessageContaining("must be auto, cpu, cuda or cuda:N");
    }
  }

  @Test
  void autoBackendIsDjlOnAGpuAndNd4jOnTheCpu() {
    assertThat(FactorizationBackend.AUTO.on(Device.cpu())).isEqualTo(FactorizationBackend.ND4J);
    assertThat(FactorizationBackend.AUTO.on(Device.gpu(0))).isEqualTo(FactorizationBackend.DJL);
    assertThat(FactorizationBackend.AUTO.on(Device.gpu(3))).isEqualTo(FactorizationBackend.DJL);
    assertThat(FactorizationBackend.ND4J.on(Device.gpu(0))).isEqualTo(FactorizationBackend.ND4J);
    assertThat(FactorizationBackend.DJL.on(Device.cpu())).isEqualTo(FactorizationBackend.DJL);
  }

  @Test
  void theServiceEngineRunsOnTheChosenBackend() {
    ComputeDevice auto = ComputeDevice.resolve(settings("cpu", FactorizationBackend.AUTO), () -> 0);
    assertThat(auto.backend()).isEqualTo(FactorizationBackend.ND4J);
    try (TensorOps ops = auto.newTensorOps(SnmfPrecision.FLOAT32)) {
      assertThat(ops).isInstanceOf(Nd4jTensorOps.class);
    }
    ComputeDevice djl = ComputeDevice.resolve(settings("auto", FactorizationBackend.DJL), () -> 0);
    assertThat(djl.device()).isEqualTo(Device.cpu());
    assertThat(djl.backend()).isEqualTo(FactorizationBackend.DJL);
    try (TensorOps ops = djl.newTensorOps(SnmfPrecision.FLOAT32)) {
      assertThat(ops).isInstanceOf(DjlTensorOps.class);
    }
  }
}
