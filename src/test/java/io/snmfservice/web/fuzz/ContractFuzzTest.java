package io.snmfservice.web.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.SnmfServiceApplication;
import io.snmfservice.support.ApiOperations;
import io.snmfservice.support.Http;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDatabase;
import io.snmfservice.support.TestKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Fuzzing from the contract, as a jqwik property: at least 10,000 requests generated from openapi.yaml's schemas and
 * mutations of them ({@link RequestFuzzer}), with admin, submitter, reader, revoked, made-up and missing keys. No
 * response may be a 5xx, every error must be a problem document, and a rejected request must leave the row count of
 * every table unchanged (the audit trail may gain a DENIED or REJECTED entry for it, never a SUCCEEDED one). The
 * service runs on a database of its own with no workers, so only the requests change rows.
 */
@SlowTest
class ContractFuzzTest {

  private static final Logger log = LoggerFactory.getLogger(ContractFuzzTest.class);
  private static ConfigurableApplicationContext service;
  private static int port;
  private static JdbcClient jdbc;
  private static String countQuery;
  private static List<String> keys;
  private static List<Long> ids;
  private static RequestFuzzer fuzzer;
  private static final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
  private static final Map<String, Integer> mutations = new ConcurrentHashMap<>();
  private static long started;
  /** Sends the fuzzed requests; one client, so its connection pool is reused. */
  private static Http client;
  /** The row counts after the last request; re-read only after a request that was accepted. */
  private static String lastCounts;
  /** Paths whose success would take the fuzzer's own keys away (revoking them). */
  private static final java.util.Set<String> protectedPaths = new java.util.HashSet<>();

  @BeforeContainer
  static void startService() throws IOException {
    TestDatabase.Connection db = TestDatabase.createDatabase("fuzz_" + System.nanoTime());
    service = new SpringApplicationBuilder(SnmfServiceApplication.class).profiles("test").run(
        "--server.port=0",
        "--spring.datasource.url=" + db.url(),
        "--spring.datasource.username=" + db.username(),
        "--spring.datasource.password=" + db.password(),
        "--snmf.data-dir=" + Files.createTempDirectory("snmf-fuzz"),
        "--snmf.workers.threads=0",
        "--snmf.security.quota.requests-per-second=100000",
        "--snmf.security.quota.burst=100000",
        "--logging.level.io.snmfservice=warn");
    port = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
    jdbc = service.getBean(JdbcClient.class);
    countQuery = rowCountQuery();
    client = new Http(port, null);

    Http admin = new Http(port);
    ids = new ArrayList<>(List.of(1L, 2L, 3L, 0L, -1L, 999_999_999L));
    long model = admin.post("/v1/models", "{\"name\":\"fuzz\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    ids.add(model);
    ids.add(admin.post("/v1/datasets", "{\"name\":\"fuzz-text\",\"kind\":\"text\",\"texts\":[\"a b\",\"c\"]}")
        .json().get("id").asLong());
    ids.add(admin.post("/v1/datasets", "{\"name\":\"fuzz-ids\",\"kind\":\"tokens\",\"modelId\":" + model
        + ",\"tokens\":[[1,2,3]]}").json().get("id").asLong());
    String reader = key(admin, "fuzz-reader", "reader");
    String submitter = key(admin, "fuzz-submitter", "submitter");
    String revoked = key(admin, "fuzz-revoked", "reader");
    long revokedId = admin.get("/v1/keys?size=500").json().get("items").valueStream()
        .filter(k -> k.get("name").asString().equals("fuzz-revoked")).findFirst().orElseThrow().get("id").asLong();
    assertThat(admin.delete("/v1/keys/" + revokedId).status()).isEqualTo(200);
    admin.get("/v1/keys?size=500").json().get("items").forEach(k -> protectedPaths.add("/v1/keys/" + k.get("id").asLong()));
    keys = new ArrayList<>(List.of(TestKeys.ADMIN, reader, submitter, revoked,
        "snmf_madeUpKeyThatIsNotStored0000000000000000", "", "x".repeat(300)));
    keys.add(null);
    started = System.nanoTime();
  }

  @AfterContainer
  static void stopService() {
    log.warn("Fuzzed {} requests in {} s: statuses {}, mutations {}",
        statuses.values().stream().mapToInt(Integer::intValue).sum(),
        String.format("%.1f", (System.nanoTime() - started) / 1e9), new TreeMap<>(statuses), new TreeMap<>(mutations));
    if (service != null) {
      service.close();
    }
    assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).as("requests sent")
        .isGreaterThanOrEqualTo(10_000);
    assertThat(statuses.keySet()).as("the fuzzer reaches success, auth and validation paths")
        .contains(200, 400, 401, 403, 404, 422);
  }

  @Provide
  Arbitrary<RequestFuzzer.FuzzedRequest> requests() {
    if (fuzzer == null) {
      fuzzer = new RequestFuzzer(ApiOperations.read(), keys, ids, List.of(
          "../shared/models/stories260K/stories260K.bin", "../shared/models/fortunes-byte-gpt2", "/etc", "/root",
          "../../../../etc/passwd", "/proc/self/environ"));
    }
    return Arbitraries.randomValue(fuzzer::next);
  }

  @Property(tries = 10_200, seed = "20261201", shrinking = ShrinkingMode.OFF)
  void noRequestFailsTheServerOrLeavesRowsBehindWhenRejected(@ForAll("requests") RequestFuzzer.FuzzedRequest request) {
    if (request.method().equals("DELETE") && protectedPaths.contains(request.pathAndQuery())) {
      return; // revoking the fuzzer's own keys would leave it testing 401s only
    }
    String before = lastCounts != null ? lastCounts : jdbc.sql(countQuery).query(String.class).single();
    lastCounts = null;
    Http.Response response = send(request);
    if (response == null) {
      lastCounts = before;
      return; // the HTTP client itself refused to send it (an illegal header value)
    }
    statuses.merge(response.status(), 1, Integer::sum);
    mutations.merge(request.mutation(), 1, Integer::sum);
    assertThat(response.status()).as(describe(request, response)).isLessThan(500);
    if (request.mutation().equals(RequestFuzzer.UNKNOWN_FIELD)) {
      assertThat(response.status()).as("a field the schema does not name: " + describe(request, response))
          .isGreaterThanOrEqualTo(400);
    }
    if (response.status() >= 400) {
      String after = jdbc.sql(countQuery).query(String.class).single();
      assertThat(after).as("rows after " + describe(request, response)).isEqualTo(before);
      lastCounts = after;
      assertThat(response.contentType()).as(describe(request, response)).startsWith("application/problem+json");
    }
  }

  /**
   * Request bodies are strict: a field the schema does not name, in any object of any operation's body, is refused
   * with 400 naming it by its path, before anything is looked up or stored; a body with every field the schema
   * names is not refused for its fields.
   */
  @Example
  void anUnknownFieldInAnyRequestBodyGets400AndEveryFieldOfTheContractIsRead() {
    RequestFuzzer strict = new RequestFuzzer(ApiOperations.read(), keys, ids, List.of());
    List<RequestFuzzer.UnknownFieldRequest> requests = strict.unknownFields(TestKeys.ADMIN);
    assertThat(requests.stream().map(u -> u.field()))
        .as("top-level and nested objects of the bodies")
        .contains(RequestFuzzer.UNKNOWN_NAME, "steering." + RequestFuzzer.UNKNOWN_NAME,
            "concepts[0]." + RequestFuzzer.UNKNOWN_NAME, "member." + RequestFuzzer.UNKNOWN_NAME);
    for (RequestFuzzer.UnknownFieldRequest u : requests) {
      RequestFuzzer.FuzzedRequest request = u.request();
      String before = jdbc.sql(countQuery).query(String.class).single();
      Http.Response response = send(request);
      String what = describe(request, response);
      assertThat(response.status()).as(what).isEqualTo(400);
      assertThat(response.contentType()).as(what).startsWith("application/problem+json");
      assertThat(response.json().get("detail").asString()).as(what)
          .startsWith("unknown field \"" + u.field() + "\"").contains("accepted: ");
      assertThat(jdbc.sql(countQuery).query(String.class).single()).as("rows after " + what).isEqualTo(before);
    }
    // and every field the contract names is one the service reads, so clients made from it are never refused
    for (RequestFuzzer.FuzzedRequest request : strict.completeBodies(TestKeys.ADMIN)) {
      Http.Response response = send(request);
      assertThat(response.status()).as(describe(request, response)).isLessThan(500);
      if (response.status() == 400) {
        assertThat(response.json().get("detail").asString()).as(describe(request, response))
            .doesNotStartWith("unknown field");
      }
    }
    lastCounts = null;
  }

  private static Http.Response send(RequestFuzzer.FuzzedRequest r) {
    HttpRequest.Builder b;
    try {
      b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r.pathAndQuery()))
          .method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(r.body()));
      if (r.contentType() != null && !r.contentType().isEmpty()) {
        b.header("Content-Type", r.contentType());
      }
      if (r.key() != null) {
        b.header("Authorization", "Bearer " + r.key());
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return client.send(b);
  }

  /** One string with the row count of every table but the audit trail and Flyway's history. */
  private static String rowCountQuery() {
    List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables"
            + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            + " AND table_name NOT IN ('flyway_schema_history', 'audit') ORDER BY table_name")
        .query(String.class).list();
    assertThat(tables).contains("job", "model", "dataset", "document", "api_key", "factorization", "feature");
    return "SELECT concat_ws(',', " + tables.stream()
        .map(t -> "'" + t + "=' || (SELECT count(*) FROM \"" + t + "\")").collect(Collectors.joining(", "))
        + ", 'audit-succeeded=' || (SELECT count(*) FROM audit WHERE outcome = 'SUCCEEDED'))";
  }

  private static String key(Http admin, String name, String role) {
    return admin.post("/v1/keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}").json().get("key").asString();
  }

  private static String describe(RequestFuzzer.FuzzedRequest r, Http.Response response) {
    String body = r.body() == null ? "" : new String(r.body(), StandardCharsets.UTF_8);
    String answer = response.body() == null ? "" : response.body();
    return r.method() + " " + r.pathAndQuery() + " (" + r.operation() + ", " + r.mutation() + ", " + r.contentType()
        + ", key " + (r.key() == null ? "none" : r.key().length() > 12 ? r.key().substring(0, 12) : r.key()) + ") body "
        + (body.length() > 300 ? body.substring(0, 300) + "..." : body) + " -> " + response.status() + " "
        + (answer.length() > 300 ? answer.substring(0, 300) : answer);
  }
}
