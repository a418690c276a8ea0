package io.snmfservice.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

@ServiceTest
class HealthTest {

  @Value("${local.server.port}")
  int port;

  @Test
  void healthIsUpAndPrometheusIsExposed() {
    Http http = new Http(port);
    assertThat(http.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
    assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
    assertThat(http.get("/actuator/prometheus").body()).contains("jvm_memory_used_bytes");
  }
}
