package io.snmfservice.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.TestKeys;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * openapi.yaml carries an example for every parameter and request body (tools such as dredd and Swagger UI need
 * them), and every JSON request-body example is a valid request for its operation.
 */
class OpenApiExamplesTest {

  private static OpenAPI spec() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    return new OpenAPIV3Parser().read("openapi.yaml", null, options);
  }

  @Test
  void everyParameterAndRequestBodyHasAnExample() {
    OpenAPI spec = spec();
    List<String> missing = new ArrayList<>();
    spec.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
      for (Parameter p : parameters(spec, op)) {
        if (p.getExample() == null && (p.getExamples() == null || p.getExamples().isEmpty())) {
          missing.add(method + " " + path + " parameter " + p.getName());
        }
      }
      if (op.getRequestBody() != null) {
        op.getRequestBody().getContent().forEach((type, media) -> {
          if (media.getExample() == null && (media.getExamples() == null || media.getExamples().isEmpty())) {
            missing.add(method + " " + path + " body " + type);
          }
        });
      }
    }));
    assertThat(missing).as("parameters and bodies without examples").isEmpty();
  }

  @Test
  void jsonBodyExamplesAreValidRequests() {
    OpenAPI spec = spec();
    List<String> invalid = new ArrayList<>();
    spec.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
      MediaType media = op.getRequestBody() == null ? null : op.getRequestBody().getContent().get("application/json");
      if (media == null || media.getExample() == null) {
        return;
      }
      String concrete = path.replace("{id}", "1").replace("{index}", "0");
      SimpleRequest request = new SimpleRequest.Builder(Request.Method.valueOf(method.name()), concrete)
          .withContentType("application/json").withBody(json(media.getExample()))
          .withAuthorization("Bearer " + TestKeys.ADMIN).build();
      var report = ContractClient.validator().validateRequest(request);
      report.getMessages().forEach(m -> invalid.add(method + " " + path + ": " + m.getMessage()));
    }));
    assertThat(invalid).isEmpty();
  }

  /** The parser hands examples over as Jackson 2 trees: write them with swagger's own mapper. */
  private static String json(Object example) {
    try {
      return io.swagger.v3.core.util.Json.mapper().writeValueAsString(example);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Parameter> parameters(OpenAPI spec, Operation op) {
    List<Parameter> out = new ArrayList<>();
    for (Parameter p : op.getParameters() == null ? List.<Parameter>of() : op.getParameters()) {
      if (p.get$ref() != null) {
        Map<String, Parameter> shared = spec.getComponents().getParameters();
        out.add(shared.get(p.get$ref().substring(p.get$ref().lastIndexOf('/') + 1)));
      } else {
        out.add(p);
      }
    }
    return out;
  }
}
