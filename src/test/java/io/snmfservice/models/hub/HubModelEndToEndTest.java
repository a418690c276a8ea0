package io.snmfservice.models.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Hub models end to end against a local server speaking the hub's URL layout (serving the fortunes-byte-gpt2
 * files): jobs download them into the HF cache layout and record their shape; interactive requests never download
 * but answer 409 naming a {@code download-model} job; the server's token goes only to allowlisted repositories;
 * a model over the size limit fails its job before any file content is fetched.
 */
@SlowTest
@ServiceTest
class HubModelEndToEndTest {

  private static final Path FORTUNES = Path.of("../shared/models/fortunes-byte-gpt2");
  private static final String TOKEN = "hf_test-token-0123456789";
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static FakeHub hub;
  private static Path cache;

  @Value("${local.server.port}")
  int port;

  private final String suffix = Long.toString(System.nanoTime(), 36);

  @DynamicPropertySource
  static void hub(DynamicPropertyRegistry registry) throws IOException {
    hub = new FakeHub();
    // the same files under an allowlisted and an unlisted organisation
    for (String repo : List.of("acme/fortunes", "other/fortunes")) {
      hub.addRepo(repo, COMMIT, "main");
      for (String file : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
        hub.addFile(repo, file, Files.readAllBytes(FORTUNES.resolve(file)), false);
      }
      hub.addFile(repo, "model.safetensors", Files.readAllBytes(FORTUNES.resolve("model.safetensors")), true);
    }
    hub.addRepo("acme/huge", COMMIT, "main");
    hub.addFile("acme/huge", "config.json", Files.readAllBytes(FORTUNES.resolve("config.json")), false);
    hub.addFile("acme/huge", "model.safetensors", new byte[9_000_000], true);
    cache = Files.createTempDirectory("hf-cache");
    registry.add("snmf.hub.endpoint", () -> hub.endpoint().toString());
    registry.add("snmf.hub.cache-dir", cache::toString);
    registry.add("snmf.hub.offline", () -> "false");
    registry.add("snmf.hub.token", () -> TOKEN);
    registry.add("snmf.models.hub.allowed-repos", () -> "acme/*");
    registry.add("snmf.models.hub.max-download-bytes", () -> "8MB");
    registry.add("snmf.models.hub.min-free-bytes", () -> "1MB");
  }

  @AfterAll
  static void stopHub() {
    hub.close();
  }

  @Test
  void hubModelIsDownloadedOnFirstUseAndUnknownReposFailWithoutRetry() {
    ContractClient api = new ContractClient(port);
    JsonNode model = api.post("/v1/models", "{\"name\":\"hub-" + suffix + "\",\"source\":\"hf\",\"repoId\":\"acme/fortunes\"}").json();
    assertThat(model.get("nLayers").isNull()).isTrue();
    long dataset = api.post("/v1/datasets", "{\"name\":\"hub-" + suffix + "\",\"kind\":\"text\",\"texts\":[\"Wer rastet, der rostet.\","
        + "\"A friend in need is a friend indeed.\"]}").json().get("id").asLong();

    long job = api.post("/v1/activations", "{\"modelId\":" + model.get("id").asLong() + ",\"datasetId\":" + dataset
        + ",\"layers\":[1]}").json().get("id").asLong();
    JsonNode done = Jobs.awaitSucceeded(api, job, Duration.ofMinutes(2));
    assertThat(done.get("result").get("tokens").asLong()).isEqualTo("Wer rastet, der rostet.".length()
        + "A friend in need is a friend indeed.".length());
    assertThat(cache.resolve("models--acme--fortunes/snapshots/" + COMMIT + "/model.safetensors")).exists();
    JsonNode recorded = api.get("/v1/models/" + model.get("id").asLong()).json();
    assertThat(recorded.get("nLayers").asInt()).isEqualTo(4);
    assertThat(recorded.get("dMlp").asInt()).isEqualTo(512);
    assertThat(hubRequests("acme/fortunes")).as("the allowlisted repository gets the server's token").isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("Authorization")).contains("Bearer " + TOKEN));

    long missing = api.post("/v1/models", "{\"name\":\"missing-" + suffix + "\",\"source\":\"hf\",\"repoId\":\"acme/missing\"}")
        .json().get("id").asLong();
    long failing = api.post("/v1/activations", "{\"modelId\":" + missing + ",\"datasetId\":" + dataset + ",\"layers\":[0]}")
        .json().get("id").asLong();
    JsonNode failed = Jobs.awaitFinished(api, failing, Duration.ofMinutes(1)).stream().reduce((a, b) -> b).orElseThrow();
    assertThat(failed.get("status").asString()).isEqualTo("FAILED");
    assertThat(failed.get("attempts").asInt()).isEqualTo(1);
    assertThat(failed.get("error").get("detail").asString()).contains("acme/missing");
  }

  @Test
  void anInteractiveRequestNeverWaitsOnTheHubButPointsAtTheDownloadJob() throws Exception {
    ContractClient api = new ContractClient(port);
    long model = api.post("/v1/models", "{\"name\":\"other-" + suffix + "\",\"source\":\"hf\",\"repoId\":\"other/fortunes\"}")
        .json().get("id").asLong();
    hub.hold();
    long job;
    try {
      Http.Response first = CompletableFuture.supplyAsync(() -> api.post("/v1/steer", steer(model)))
          .get(20, TimeUnit.SECONDS);
      assertThat(first.status()).as(first.body()).isEqualTo(409);
      job = jobNamedIn(first.json().get("detail").asString());
      assertThat(first.json().get("detail").asString()).contains("model " + model).contains("not downloaded yet");
      Http.Response again = CompletableFuture.supplyAsync(() -> api.post("/v1/steer", steer(model)))
          .get(20, TimeUnit.SECONDS);
      assertThat(again.status()).isEqualTo(409);
      assertThat(jobNamedIn(again.json().get("detail").asString())).as("one download per model").isEqualTo(job);
    } finally {
      hub.release();
    }
    JsonNode download = Jobs.awaitSucceeded(api, job, Duration.ofMinutes(2));
    assertThat(download.get("type").asString()).isEqualTo("download-model");
    assertThat(download.get("result").get("modelId").asLong()).isEqualTo(model);

    Http.Response steered = api.post("/v1/steer", steer(model));
    assertThat(steered.status()).as(steered.body()).isEqualTo(200);
    assertThat(hubRequests("other/fortunes")).as("an unlisted repository is fetched without the token").isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
  }

  @Test
  void aModelOverTheSizeLimitFailsItsJobBeforeAnyFileContentIsFetched() throws IOException {
    ContractClient api = new ContractClient(port);
    long model = api.post("/v1/models", "{\"name\":\"huge-" + suffix + "\",\"source\":\"hf\",\"repoId\":\"acme/huge\"}")
        .json().get("id").asLong();

    Http.Response refused = api.post("/v1/steer", steer(model));
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    long job = jobNamedIn(refused.json().get("detail").asString());
    JsonNode failed = Jobs.awaitFinished(api, job, Duration.ofMinutes(1)).stream().reduce((a, b) -> b).orElseThrow();

    assertThat(failed.get("status").asString()).isEqualTo("FAILED");
    assertThat(failed.get("attempts").asInt()).isEqualTo(1);
    assertThat(failed.get("error").get("detail").asString()).contains("acme/huge").contains("9,000,000 bytes")
        .contains("snmf.models.hub.max-download-bytes");
    assertThat(hubRequests("acme/huge")).isNotEmpty().noneMatch(r -> r.method().equals("GET") && r.path().contains("/resolve/"));
    assertThat(hub.requests()).noneMatch(r -> r.method().equals("GET") && r.path().startsWith("/lfs-storage/")
        && r.path().endsWith(FakeHub.hex("SHA-256", new byte[9_000_000])));
    Path repoDir = cache.resolve("models--acme--huge");
    if (Files.exists(repoDir)) {
      try (Stream<Path> files = Files.walk(repoDir)) {
        assertThat(files.filter(Files::isRegularFile).toList()).as("files written").isEmpty();
      }
    }
  }

  /** Requests for one repository's metadata and files (storage redirects carry no repository name). */
  private static List<FakeHub.Request> hubRequests(String repo) {
    return hub.requests().stream().filter(r -> r.path().startsWith("/api/models/" + repo + "/")
        || r.path().startsWith("/" + repo + "/")).collect(Collectors.toList());
  }

  private static long jobNamedIn(String detail) {
    Matcher m = Pattern.compile("job (\\d+)").matcher(detail);
    assertThat(m.find()).as(detail).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static String steer(long model) {
    String vector = String.join(",", Collections.nCopies(512, "0.1"));
    return "{\"modelId\":" + model + ",\"layer\":1,\"vector\":[" + vector + "],\"prompt\":\"Wer rastet\","
        + "\"alpha\":1.0,\"newTokens\":2}";
  }
}
