package io.snmfservice.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.SnmfServiceApplication;
import io.snmfservice.support.Http;
import io.snmfservice.support.SlowTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With no datasource configured the service runs on its own embedded PostgreSQL, whose data survives restarts; with
 * no key configured it generates the first admin key into {@code <data-dir>/admin.key}, as a newcomer meets it.
 */
@SlowTest
class EmbeddedDefaultTest {

  @TempDir Path dataDir;

  private ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(SnmfServiceApplication.class)
        .run("--server.port=0", "--snmf.data-dir=" + dataDir, "--snmf.models.allowed-roots=../shared/models",
            "--logging.level.root=warn");
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

  private String generatedKey() throws java.io.IOException {
    return Files.readString(dataDir.resolve("admin.key")).trim();
  }

  @Test
  void registeredModelsAndDatasetsSurviveARestart() throws java.io.IOException {
    long modelId;
    long datasetId;
    String key;
    try (ConfigurableApplicationContext first = start()) {
      key = generatedKey();
      assertThat(Files.getPosixFilePermissions(dataDir.resolve("admin.key")))
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      Http http = new Http(port(first), key);
      assertThat(new Http(port(first), null).get("/v1/models").status()).isEqualTo(401);
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
      assertThat(generatedKey()).as("the first key is kept, not replaced").isEqualTo(key);
      Http http = new Http(port(second), key);
      assertThat(http.get("/v1/models/" + modelId).json().get("name").asString()).isEqualTo("stories260K");
      assertThat(http.get("/v1/datasets/" + datasetId + "/documents").json().get("total").asInt()).isEqualTo(2);
    }
  }
}
