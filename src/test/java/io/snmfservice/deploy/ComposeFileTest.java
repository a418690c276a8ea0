package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.deploy.RenderedChart.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
  void startsTheServiceOnlyAfterPostgresIsHealthy() {
    assertThat(compose.get("services.snmf.depends_on.postgres.condition")).isEqualTo("service_healthy");
    assertThat(compose.list("services.postgres.healthcheck.test")).anyMatch(t -> t.toString().contains("pg_isready"));
  }

  @Test
  void pinsThePostgresImage() {
    String image = compose.string("services.postgres.image");

    assertThat(image).startsWith("postgres:").doesNotEndWith(":latest");
    assertThat(image.substring("postgres:".length())).matches("\\d+\\.\\d+.*");
  }

  @Test
  void buildsTheServiceFromTheCpuDockerfileAndConnectsItToPostgres() {
    assertThat(compose.string("services.snmf.build.context")).isEqualTo("..");
    assertThat(compose.string("services.snmf.build.dockerfile")).contains("docker/").contains("Dockerfile");
    Map<String, Object> env = compose.map("services.snmf.environment");
    assertThat(env).containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/snmf")
        .containsKeys("SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD", "SNMF_ROLE", "HF_HOME");
    assertThat(compose.get("services.postgres.environment.POSTGRES_DB")).isEqualTo("snmf");
    assertThat(compose.list("services.snmf.healthcheck.test").toString()).contains("/actuator/health");
  }

  @Test
  void keepsDataModelCacheAndDatabaseInNamedVolumes() {
    assertThat(compose.map("volumes")).containsKeys("pgdata", "snmf-data", "model-cache");
    List<Object> mounts = compose.list("services.snmf.volumes");
    String hfHome = compose.string("services.snmf.environment.HF_HOME");
    assertThat(mounts).contains("snmf-data:/data", "model-cache:" + hfHome);
    assertThat(compose.list("services.postgres.volumes")).contains("pgdata:/var/lib/postgresql/data");
  }

  @Test
  void gpuOverrideReservesNvidiaDevices() throws IOException {
    Node gpu = load(Path.of("docker", "compose.gpu.yaml"));

    Node device = gpu.at("services.snmf.deploy.resources.reservations.devices.0");
    assertThat(device.get("driver")).isEqualTo("nvidia");
    assertThat(device.list("capabilities")).contains("gpu");
  }
}
