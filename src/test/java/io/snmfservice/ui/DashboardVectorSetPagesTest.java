package io.snmfservice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.errors.Unavailable;
import io.snmfservice.features.NpyWriter;
import io.snmfservice.security.CallerPermits;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.DashboardSession;
import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestKeys;
import io.snmfservice.vectors.SaeFixture;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * The vector-set pages over real HTTP on the fortunes GPT-2 with its trained SAE: the list, a set's members paged,
 * and the encode form, whose latents must be the PyTorch reference's; bad input, a set without an encoder, a busy
 * replica and a reader key are answered with the dashboard's problem page, never a 500.
 */
@SlowTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardVectorSetPagesTest {

  private static final Pattern ROW = Pattern.compile("<tr>\\s*<td class=\"num\">(\\d+)</td>(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern LATENT = Pattern.compile("data-latent=\"(\\d+)\"");

  @Value("${local.server.port}")
  int port;

  @Autowired CallerPermits permits;

  ContractClient api;
  DashboardSession admin;
  long sae;
  long matrix;
  String suffix = Long.toString(System.nanoTime(), 36);

  @BeforeAll
  void importTheSae() throws IOException {
    api = new ContractClient(port);
    long model = api.post("/v1/models", "{\"name\":\"ui-vs-" + suffix
        + "\",\"source\":\"local\",\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json().get("id").asLong();
    Map<String, Map.Entry<String, byte[]>> files = new LinkedHashMap<>();
    files.put("cfg", Map.entry("cfg.json", SaeFixture.cfg().getBytes()));
    files.put("weights", Map.entry("sae_weights.safetensors", Files.readAllBytes(SaeFixture.WEIGHTS)));
    Http.Response r = api.uploadParts("/v1/vector-sets", files,
        Map.of("modelId", Long.toString(model), "name", "ui-sae-" + suffix, "kind", "sae"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    sae = r.json().get("id").asLong();
    Path file = Files.createTempFile("ui-rows-", ".npy");
    try (NpyWriter w = NpyWriter.float32(file, 2, 128)) {
      for (int i = 0; i < 2 * 128; i++) {
        w.writeFloat(i % 128 == i / 128 ? 1f : 0f);
      }
    }
    byte[] npy = Files.readAllBytes(file);
    Files.delete(file);
    Http.Response m = api.uploadParts("/v1/vector-sets", Map.of("file", Map.entry("rows.npy", npy)),
        Map.of("modelId", Long.toString(model), "name", "ui-rows-" + suffix, "kind", "matrix",
            "hook", "blocks.1.hook_resid_post"));
    assertThat(m.status()).as(m.body()).isEqualTo(201);
    matrix = m.json().get("id").asLong();
    admin = new DashboardSession(port);
    admin.signIn(TestKeys.ADMIN);
  }

  @Test
  void theListAndASetsMembersArePaged() {
    String list = admin.get("/ui/vector-sets").body();
    assertThat(list).contains("ui-sae-" + suffix, "ui-rows-" + suffix, "blocks.2.hook_resid_post", "1024");
    HttpResponse<String> page = admin.get("/ui/vector-sets/" + sae + "?page=1");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("latent-50", "latent-99", "page 2 of 21", "id=\"encode-form\"")
        .doesNotContain("latent-49<", "latent-100<");
    assertThat(admin.get("/ui/vector-sets/" + matrix).body()).contains("row-1").doesNotContain("encode-form");
    assertThat(admin.get("/ui/vector-sets/999999999").statusCode()).isEqualTo(404);
    assertThat(admin.get("/ui/vector-sets/abc").statusCode()).isEqualTo(400);
  }

  @Test
  void theEncodeFormShowsTheReferenceLatentsPerToken() {
    JsonNode reference = SaeFixture.reference().get("cases").get(0);
    HttpResponse<String> page = admin.post("/ui/vector-sets/" + sae + "/encode",
        Map.of("text", reference.get("text").asString(), "top", "5"));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    String table = page.body().substring(page.body().indexOf("id=\"latents\""));
    table = table.substring(0, table.indexOf("</table>"));
    List<List<Integer>> rows = new ArrayList<>();
    Matcher row = ROW.matcher(table);
    while (row.find()) {
      List<Integer> ids = new ArrayList<>();
      Matcher latent = LATENT.matcher(row.group(2));
      while (latent.find()) {
        ids.add(Integer.parseInt(latent.group(1)));
      }
      rows.add(ids);
    }
    JsonNode tokens = reference.get("token_ids");
    assertThat(rows).as("one row per token, BOS first").hasSize(tokens.size());
    int compared = 0;
    for (int t = 0; t < rows.size(); t++) {
      JsonNode top = reference.get("top_latents").get(t);
      int active = 0;
      while (active < 5 && top.get("values").get(active).asDouble() > 0) {
        active++;
      }
      assertThat(rows.get(t)).as("token %d: the latents above zero among the top 5", t).hasSize(active);
      for (int k = 0; k < active; k++) {
        boolean tied = k + 1 < top.get("values").size()
            && Math.abs(top.get("values").get(k).asDouble() - top.get("values").get(k + 1).asDouble()) < 1e-3
            || k > 0 && Math.abs(top.get("values").get(k).asDouble() - top.get("values").get(k - 1).asDouble()) < 1e-3;
        if (!tied) {
          assertThat(rows.get(t).get(k)).as("token %d, rank %d", t, k).isEqualTo(top.get("ids").get(k).asInt());
          compared++;
        }
      }
    }
    assertThat(compared).isGreaterThan(tokens.size());
    assertThat(page.body()).contains("Reconstruction MSE", "␣");

    HttpResponse<String> fragment = admin.postHtmx("/ui/vector-sets/" + sae + "/encode", Map.of("text", "Hallo"));
    assertThat(fragment.statusCode()).isEqualTo(200);
    assertThat(fragment.body()).contains("id=\"latents\"").doesNotContain("<html", "Members");
  }

  @Test
  void badInputANoEncoderSetABusyReplicaAndAReaderGetProblemPages() {
    String encode = "/ui/vector-sets/" + sae + "/encode";
    expectProblem(admin.post(encode, Map.of("text", "")), 400, "text");
    expectProblem(admin.post(encode, Map.of("text", "x", "top", "0")), 422, "top");
    expectProblem(admin.post(encode, Map.of("text", "x", "top", "many")), 400, "top");
    expectProblem(admin.post(encode, Map.of("text", "x".repeat(300))), 422, "need 1..");
    expectProblem(admin.post("/ui/vector-sets/" + matrix + "/encode", Map.of("text", "x")), 422, "no SAE encoder");
    expectProblem(admin.post("/ui/vector-sets/999999999/encode", Map.of("text", "x")), 404, "999999999");

    List<CallerPermits.Compute> held = new ArrayList<>();
    try {
      while (true) {
        held.add(permits.acquireCompute("test"));
      }
    } catch (Unavailable allTaken) {
      HttpResponse<String> busy = admin.post(encode, Map.of("text", "x"));
      expectProblem(busy, 429, "synchronous computations");
      assertThat(busy.headers().firstValue("Retry-After")).isPresent();
    } finally {
      held.forEach(CallerPermits.Compute::close);
    }
    assertThat(admin.post(encode, Map.of("text", "x")).statusCode()).as("permits released").isEqualTo(200);

    String readerKey = api.post("/v1/keys", "{\"name\":\"ui-vs-reader-" + suffix + "\",\"role\":\"reader\"}").json()
        .get("key").asString();
    DashboardSession reader = new DashboardSession(port);
    reader.signIn(readerKey);
    assertThat(reader.get("/ui/vector-sets/" + sae).body()).contains("needs a submitter or admin key", "latent-0")
        .doesNotContain("encode-form");
    expectProblem(reader.post(encode, Map.of("text", "x")), 403, "role reader");
  }

  private static void expectProblem(HttpResponse<String> page, int status, String detail) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(status);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("class=\"problem\"", String.valueOf(status), detail);
  }
}
