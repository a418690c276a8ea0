package io.snmfservice.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.ServiceTest;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/** openapi.yaml is a valid OpenAPI document and describes every route the service implements. */
@ServiceTest
class ContractTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Test
  void openApiFileIsAValidOpenApi3Document() {
    SwaggerParseResult result = new OpenAPIV3Parser().readLocation("openapi.yaml", null, null);
    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.0");
  }

  @Test
  void everyImplementedRouteIsDescribed() {
    var spec = new OpenAPIV3Parser().read("openapi.yaml");
    List<String> missing = new ArrayList<>();
    for (Map.Entry<RequestMappingInfo, ?> e : mappings.getHandlerMethods().entrySet()) {
      for (String pattern : e.getKey().getPatternValues()) {
        if (!pattern.startsWith("/v1/")) {
          continue;
        }
        var item = spec.getPaths().get(pattern);
        for (RequestMethod method : e.getKey().getMethodsCondition().getMethods()) {
          boolean described =
              item != null && item.readOperationsMap().keySet().stream()
                  .anyMatch(m -> m.name().equals(method.name()));
          if (!described) {
            missing.add(method + " " + pattern);
          }
        }
      }
    }
    assertThat(missing).as("routes missing from openapi.yaml").isEmpty();
  }

  @Test
  void realResponsesOfEveryResourceMatchTheSchemas() {
    ContractClient api = new ContractClient(port);
    String suffix = Long.toString(System.nanoTime(), 36);
    JsonNode model = api.post("/v1/models",
        "{\"name\":\"stories-" + suffix + "\",\"source\":\"llama2c\",\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json();
    assertThat(model.get("dMlp").asInt()).isEqualTo(172);
    assertThat(model.get("nLayers").asInt()).isEqualTo(5);
    JsonNode gpt2 = api.post("/v1/models",
        "{\"name\":\"fortunes-" + suffix + "\",\"source\":\"local\",\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json();
    assertThat(gpt2.get("architecture").asString()).isEqualTo("gpt2");
    assertThat(gpt2.get("dMlp").asInt()).isEqualTo(512);
    JsonNode hub = api.post("/v1/models",
        "{\"name\":\"hub-" + suffix + "\",\"source\":\"hf\",\"repoId\":\"openai-community/gpt2\"}").json();
    assertThat(hub.get("revision").asString()).isEqualTo("main");
    api.get("/v1/models?page=0&size=5");
    api.get("/v1/models/" + model.get("id").asLong());

    JsonNode text = api.post("/v1/datasets",
        "{\"name\":\"lines-" + suffix + "\",\"kind\":\"text\",\"content\":\"one\\ntwo\\n\\nthree\"}").json();
    assertThat(text.get("documentCount").asInt()).isEqualTo(3);
    JsonNode tokens = api.post("/v1/datasets",
        "{\"name\":\"ids-" + suffix + "\",\"kind\":\"tokens\",\"modelId\":" + model.get("id").asLong()
            + ",\"tokens\":[[1,461,461],[1,401]]}").json();
    assertThat(tokens.get("tokenCount").asLong()).isEqualTo(5);
    JsonNode uploaded = api.upload("/v1/datasets", "docs.jsonl",
        "{\"text\":\"Grüße\"}\n{\"text\":\"ciao\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Map.of("name", "up-" + suffix, "kind", "jsonl")).json();
    assertThat(uploaded.get("kind").asString()).isEqualTo("text");
    JsonNode docs = api.get("/v1/datasets/" + uploaded.get("id").asLong() + "/documents?size=1").json();
    assertThat(docs.get("items").get(0).get("text").asString()).isEqualTo("Grüße");
    assertThat(docs.get("total").asInt()).isEqualTo(2);
    api.get("/v1/datasets");
    api.get("/v1/datasets/" + tokens.get("id").asLong());
    assertThat(api.delete("/v1/models/" + model.get("id").asLong()).status()).isEqualTo(409);
    assertThat(api.delete("/v1/datasets/" + tokens.get("id").asLong()).status()).isEqualTo(204);
    assertThat(api.delete("/v1/models/" + model.get("id").asLong()).status()).isEqualTo(204);
    assertThat(api.get("/v1/models/" + model.get("id").asLong()).status()).isEqualTo(404);

    api.get("/v1/jobs?status=" + "queued".toUpperCase(Locale.ROOT) + "&size=3");
    assertThat(api.get("/v1/jobs/999999999").status()).isEqualTo(404);
    assertThat(api.post("/v1/jobs/999999999/cancel", "").status()).isEqualTo(404);
  }
}
