package io.snmfservice.ui;

import java.io.IOException;
import java.io.InputStream;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The API description ({@code openapi.yaml}, packaged from the project root) and Swagger UI over it. */
@Controller
class DocsController {

  private static final MediaType YAML = MediaType.parseMediaType("application/yaml;charset=UTF-8");

  @GetMapping("/openapi.yaml")
  ResponseEntity<byte[]> openapi() throws IOException {
    ClassPathResource spec = new ClassPathResource("api/openapi.yaml");
    if (!spec.exists()) {
      return ResponseEntity.notFound().build();
    }
    try (InputStream in = spec.getInputStream()) {
      return ResponseEntity.ok().contentType(YAML).body(in.readAllBytes());
    }
  }

  @GetMapping({"/docs", "/docs/"})
  String docs() {
    return "ui/docs";
  }
}
