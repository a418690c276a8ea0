package io.snmfservice.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An HTTP client whose every response is checked against {@code openapi.yaml}: status code declared for the
 * operation, content type, and body schema. Tests that use it keep code and contract in step.
 */
public final class ContractClient {

  private static OpenApiInteractionValidator validator;
  private final Http http;

  public ContractClient(int port) {
    this.http = new Http(port);
  }

  public static synchronized OpenApiInteractionValidator validator() {
    if (validator == null) {
      try {
        validator =
            OpenApiInteractionValidator.createForInlineApiSpecification(Files.readString(Path.of("openapi.yaml")))
                .build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return validator;
  }

  public Http.Response get(String path) {
    return checked(Request.Method.GET, path, http.get(path));
  }

  public Http.Response delete(String path) {
    return checked(Request.Method.DELETE, path, http.delete(path));
  }

  public Http.Response post(String path, String json, String... headers) {
    return checked(Request.Method.POST, path, http.post(path, json, headers));
  }

  public Http.Response postRaw(String path, String contentType, byte[] body) {
    return checked(Request.Method.POST, path, http.post(path, contentType, body));
  }

  public Http.Response upload(String path, String fileName, byte[] file, Map<String, String> fields) {
    return checked(Request.Method.POST, path, http.upload(path, fileName, file, fields));
  }

  public Http.Response uploadParts(String path, Map<String, Map.Entry<String, byte[]>> files,
      Map<String, String> fields) {
    return checked(Request.Method.POST, path, http.uploadParts(path, files, fields));
  }

  public Http raw() {
    return http;
  }

  private static Http.Response checked(Request.Method method, String path, Http.Response r) {
    String pathOnly = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    SimpleResponse.Builder response = SimpleResponse.Builder.status(r.status());
    if (r.contentType() != null) {
      response.withContentType(r.contentType());
    }
    if (r.body() != null && !r.body().isEmpty()) {
      response.withBody(r.body());
    }
    ValidationReport report = validator().validateResponse(pathOnly, method, response.build());
    assertThat(report.getMessages())
        .as("%s %s -> %d %s does not match openapi.yaml", method, path, r.status(), r.body())
        .isEmpty();
    if (r.status() >= 400) {
      assertThat(r.contentType()).as("error content type of %s %s", method, path).startsWith("application/problem+json");
    }
    return r;
  }
}
