package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.TestDatabaseInitializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Server paths must resolve, after {@code ..} and symbolic links, inside an allowed root; every other path gets the
 * same 422 text, whether it exists or not, so the API tells nothing about the server's files.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
@ActiveProfiles("test")
@DirtiesContext
class ModelRootsTest {

  private static final Path ROOT;
  private static final Path SHARED_MODEL = Path.of("../shared/models/stories260K/stories260K.bin").toAbsolutePath();

  static {
    try {
      ROOT = Files.createTempDirectory("model-root").toRealPath();
      Files.createDirectories(ROOT.resolve("stories"));
      Files.copy(SHARED_MODEL, ROOT.resolve("stories/stories260K.bin"));
      Files.createSymbolicLink(ROOT.resolve("etc-link"), Path.of("/etc"));
      Files.createSymbolicLink(ROOT.resolve("shared-link.bin"), SHARED_MODEL);
      Files.createSymbolicLink(ROOT.resolve("inside-link.bin"), ROOT.resolve("stories/stories260K.bin"));
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void roots(DynamicPropertyRegistry registry) {
    registry.add("snmf.models.allowed-roots", ROOT::toString);
  }

  @Value("${local.server.port}")
  int port;

  private Http.Response register(String source, String path) {
    String name = "roots-" + Long.toString(System.nanoTime(), 36);
    return new Http(port).post("/v1/models",
        "{\"name\":\"" + name + "\",\"source\":\"" + source + "\",\"path\":\"" + path.replace("\\", "\\\\") + "\"}");
  }

  @Test
  void pathsOutsideTheRootsAllGetTheSameAnswer() {
    List<String> outside = List.of(
        "/etc", "/root", "/etc/passwd", "/nonexistent/model.bin", "/root/.ssh/id_rsa",
        ROOT + "/../../etc/passwd", ROOT + "/stories/../../" + ROOT.getFileName() + "-sibling",
        ROOT + "/etc-link", ROOT + "/etc-link/passwd", ROOT + "/etc-link/nonexistent",
        ROOT + "/shared-link.bin", SHARED_MODEL.toString(), "../shared/models/stories260K/stories260K.bin",
        "relative/../../x", "/");
    Set<String> details = new java.util.HashSet<>();
    List<String> wrong = new ArrayList<>();
    for (String source : List.of("llama2c", "local")) {
      for (String path : outside) {
        Http.Response r = register(source, path);
        if (r.status() != 422) {
          wrong.add(source + " " + path + " -> " + r.status() + " " + r.body());
        }
        details.add(r.json().get("detail").asString());
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(details).containsExactly("path is not inside an allowed model root: add its directory to"
        + " snmf.models.allowed-roots (environment SNMF_MODELS_ALLOWED_ROOTS)");
  }

  @Test
  void aModelInsideARootRegisters() {
    Http.Response direct = register("llama2c", ROOT + "/stories/stories260K.bin");
    assertThat(direct.status()).as(direct.body()).isEqualTo(201);
    JsonNode model = direct.json();
    assertThat(model.get("nLayers").asInt()).isEqualTo(5);
    Http.Response viaLink = register("llama2c", ROOT + "/inside-link.bin");
    assertThat(viaLink.status()).as("a link that stays inside the root: " + viaLink.body()).isEqualTo(201);
    assertThat(viaLink.json().get("path").asString()).isEqualTo(ROOT + "/stories/stories260K.bin");
  }

  @Test
  void missingFilesInsideARootAreReportedAsMissing() {
    Http.Response r = register("llama2c", ROOT + "/stories/absent.bin");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().get("detail").asString()).doesNotContain("allowed model root");
  }
}
