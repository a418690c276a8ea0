package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.deploy.RenderedChart.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class ComposeFileTest {

  static Node compose;

  @BeforeAll
  static void read() throws IOException {
    compose = load(Path.of("docker", "compose.yaml"));
  }

  static Node load(Path file) throws IOException {
    return new Node(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file)));
  }

  @Test
  void startsTheApiAfterPostgresAndTheWorkersAfterTheApi() {
    assertThat(compose.get("services.api.depends_on.postgres.condition")).isEqualTo("service_healthy");
    for (String worker : List.of("worker-1", "worker-2")) {
      assertThat(compose.get("services." + worker + ".depends_on.api.condition")).isEqualTo("service_healthy");
      assertThat(compose.get("services." + worker + ".environment.SNMF_ROLE")).isEqualTo("worker");
    }
    assertThat(compose.get("services.api.environment.SNMF_ROLE")).isEqualTo("api");
    assertThat(compose.list("services.postgres.healthcheck.test")).anyMatch(t -> t.toString().contains("pg_isready"));
  }

  @Test
  void pinsThePublicPostgresImageAsTheDefault() {
    String image = compose.string("services.postgres.image");

    assertThat(image).startsWith("${SNMF_POSTGRES_IMAGE:-postgres:").endsWith("}").doesNotContain(":latest");
    assertThat(image).matches("\\$\\{SNMF_POSTGRES_IMAGE:-postgres:\\d+\\.\\d+.*}");
  }

  /** Host networking: nothing may listen beyond loopback unless the operator says so. */
  @Test
  void bindsEveryPortToLoopbackByDefault() {
    for (String service : List.of("postgres", "api", "worker-1", "worker-2")) {
      assertThat(compose.get("services." + service + ".network_mode")).isEqualTo("host");
    }
    assertThat(compose.list("services.postgres.command").toString()).contains("listen_addresses=${SNMF_BIND_ADDRESS:-127.0.0.1}");
    assertThat(compose.get("services.api.environment.SERVER_ADDRESS")).isEqualTo("${SNMF_BIND_ADDRESS:-127.0.0.1}");
  }

  @Test
  void keepsDataModelCacheAndDatabaseInNamedVolumes() {
    assertThat(compose.map("volumes")).containsKeys("pgdata", "snmf-data", "model-cache");
    for (String service : List.of("api", "worker-1", "worker-2")) {
      List<Object> mounts = compose.list("services." + service + ".volumes");
      String hfHome = compose.string("services." + service + ".environment.HF_HOME");
      assertThat(mounts).contains("snmf-data:/data", "model-cache:" + hfHome);
    }
    assertThat(compose.list("services.postgres.volumes")).contains("pgdata:/var/lib/postgresql/data");
  }

  @Test
  void gpuOverrideReservesNvidiaDevicesForTheWorkers() throws IOException {
    Node gpu = load(Path.of("docker", "compose.gpu.yaml"));

    for (String worker : List.of("worker-1", "worker-2")) {
      Node device = gpu.at("services." + worker + ".deploy.resources.reservations.devices.0");
      assertThat(device.get("driver")).isEqualTo("nvidia");
      assertThat(device.list("capabilities")).contains("gpu");
    }
  }
}
