package io.snmfservice.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.SnmfServiceApplication;
import io.snmfservice.support.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** With no datasource configured the service runs on its own embedded PostgreSQL, whose data survives restarts. */
class EmbeddedDefaultTest {

  @TempDir Path dataDir;

  private ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(SnmfServiceApplication.class)
        .run("--server.port=0", "--snmf.data-dir=" + dataDir, "--logging.level.root=warn");
  }

  private String listing() {
    try (var files = Files.walk(dataDir, 2)) {
      return files.map(Path::toString).toList().toString();
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  @Test
  void registeredModelsAndDatasetsSurviveARestart() {
    long modelId;
    long datasetId;
    try (ConfigurableApplicationContext first = start()) {
      Http http = new Http(port(first));
      assertThat(http.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
      Http.Response model = http.post("/v1/models",
          "{\"source\":\"llama2c\",\"path\":\"../shared/models/stories260K/stories260K.bin\"}");
      assertThat(model.status()).as(model.body()).isEqualTo(201);
      modelId = model.json().get("id").asLong();
      Http.Response created = http.post("/v1/datasets", "{\"name\":\"kept\",\"kind\":\"text\",\"texts\":[\"a\",\"b\"]}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      datasetId = created.json().get("id").asLong();
    }
    assertThat(dataDir.resolve("postgres").resolve("PG_VERSION")).as(listing()).exists();

    try (ConfigurableApplicationContext second = start()) {
      Http http = new Http(port(second));
      assertThat(http.get("/v1/models/" + modelId).json().get("name").asString()).isEqualTo("stories260K");
      assertThat(http.get("/v1/datasets/" + datasetId + "/documents").json().get("total").asInt()).isEqualTo(2);
    }
  }
}
