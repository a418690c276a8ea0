package io.snmfservice.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import io.snmfservice.SnmfServiceApplication;
import io.snmfservice.support.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The whole service refuses to start on a machine without the GPU it was told to use. */
class DeviceStartupTest {

  @TempDir Path dataDir;

  @Test
  void askingForCudaWithoutAGpuFailsAtStartupWithAClearMessage() {
    assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
    TestDatabase.Connection db = TestDatabase.get();
    Throwable failure = catchThrowable(() -> {
      try (ConfigurableApplicationContext ignored = new SpringApplicationBuilder(SnmfServiceApplication.class)
          .run("--server.port=0", "--snmf.data-dir=" + dataDir, "--snmf.device=cuda",
              "--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.username(),
              "--spring.datasource.password=" + db.password(), "--logging.level.root=off")) {
        // started: the assertion below fails
      }
    });
    assertThat(failure).as("the service started without a GPU").isNotNull();
    Throwable root = failure;
    while (!(root instanceof DeviceUnavailableException) && root.getCause() != null) {
      root = root.getCause();
    }
    assertThat(root).isInstanceOf(DeviceUnavailableException.class)
        .hasMessage("snmf.device=cuda asks for a GPU, but DJL's PyTorch engine reports no CUDA device (is the "
            + "NVIDIA driver visible and a CUDA build of libtorch installed?). Set snmf.device=cpu (or auto) to "
            + "run on the CPU.");
  }
}
