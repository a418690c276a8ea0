package io.snmfservice.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.TestKeys;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** GET /v1/jobs/{id}/events streams the job's progress as server-sent events and ends when the job finishes. */
@ServiceTest
class JobEventsTest {

  @Value("${local.server.port}")
  int port;

  @Test
  void progressEventsStreamUntilTheJobFinishes() throws Exception {
    Http http = new Http(port);
    String suffix = Long.toString(System.nanoTime(), 36);
    long model = http.post("/v1/models", "{\"name\":\"sse-" + suffix + "\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    long job = http.post("/v1/datasets", "{\"name\":\"sse-" + suffix + "\",\"kind\":\"model-samples\",\"modelId\":"
        + model + ",\"count\":300,\"length\":31}").json().get("id").asLong();

    HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/jobs/" + job + "/events"))
            .header("Authorization", "Bearer " + TestKeys.ADMIN)
            .timeout(Duration.ofMinutes(2)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<JsonNode> events = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("event:")) {
          names.add(line.substring(6).strip());
        } else if (line.startsWith("data:")) {
          events.add(JsonMapper.builder().build().readTree(line.substring(5)));
        }
      }
    }
    assertThat(names).isNotEmpty().allMatch("progress"::equals);
    assertThat(events).allSatisfy(e -> assertThat(e.get("id").asLong()).isEqualTo(job));
    assertThat(events.get(events.size() - 1).get("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(events.stream().map(e -> e.get("updatedAt").asString()).distinct().count()).isEqualTo(events.size());
  }
}
