package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ApiOperations;
import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestKeys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The role table, checked over every operation in openapi.yaml: no key and a revoked key get 401; a role below the
 * operation's {@code x-required-role} gets 403; a role at or above it is let through (whatever the handler then
 * answers: 2xx, 404 for the made-up ids, 400 for the empty bodies).
 */
@SlowTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  JdbcClient jdbc;

  private Http admin;
  private final Map<Role, Http> byRole = new LinkedHashMap<>();
  private Http revoked;
  private final String suffix = Long.toString(System.nanoTime(), 36);

  @BeforeAll
  void createKeys() {
    admin = new Http(port);
    for (Role role : Role.values()) {
      byRole.put(role, new Http(port, createKey(role.lowerName() + "-" + suffix, role.lowerName())));
    }
    String doomed = createKey("revoked-" + suffix, "submitter");
    long doomedId = findKeyId("revoked-" + suffix);
    assertThat(admin.delete("/v1/keys/" + doomedId).status()).isEqualTo(200);
    revoked = new Http(port, doomed);
  }

  private String createKey(String name, String role) {
    Http.Response created = admin.post("/v1/keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("key").asString();
  }

  private long findKeyId(String name) {
    for (JsonNode k : admin.get("/v1/keys?size=500").json().get("items")) {
      if (k.get("name").asString().equals(name)) {
        return k.get("id").asLong();
      }
    }
    throw new AssertionError("no key named " + name);
  }

  private Http.Response call(Http http, ApiOperations.Op op) {
    String path = op.concretePath();
    return switch (op.method()) {
      case "GET" -> http.get(path);
      case "DELETE" -> http.delete(path);
      case "POST" -> http.post(path, "{}");
      default -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .method(op.method(), HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json"));
    };
  }

  @Test
  void everyOperationDeclaresSecurityAndARequiredRole() {
    List<String> undeclared = new ArrayList<>();
    for (ApiOperations.Op op : ApiOperations.read().all()) {
      if (!op.declaresSecurity() || op.requiredRole() == null) {
        undeclared.add(op.toString());
      } else {
        Role.parse(op.requiredRole());
      }
    }
    assertThat(undeclared).as("operations without security or x-required-role").isEmpty();
  }

  @Test
  void everyOperationAnswersAsTheRoleTableSays() {
    List<String> wrong = new ArrayList<>();
    List<ApiOperations.Op> ops = ApiOperations.read().all();
    assertThat(ops).hasSizeGreaterThan(30);
    for (ApiOperations.Op op : ops) {
      Role required = Role.parse(op.requiredRole());
      expect(wrong, op, "no key", call(new Http(port, null), op), 401);
      expect(wrong, op, "revoked key", call(revoked, op), 401);
      for (Map.Entry<Role, Http> e : byRole.entrySet()) {
        Http.Response r = call(e.getValue(), op);
        if (e.getKey().includes(required)) {
          if (r.status() == 401 || r.status() == 403 || r.status() >= 500) {
            wrong.add(op + " as " + e.getKey() + ": expected to be let through, got " + r.status() + " " + r.body());
          }
        } else {
          expect(wrong, op, e.getKey().toString(), r, 403);
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  private static void expect(List<String> wrong, ApiOperations.Op op, String who, Http.Response r, int status) {
    if (r.status() != status) {
      wrong.add(op + " as " + who + ": expected " + status + ", got " + r.status() + " " + r.body());
    } else if (!r.contentType().startsWith("application/problem+json")) {
      wrong.add(op + " as " + who + ": " + status + " is not a problem document");
    } else if (status == 401 && !"Bearer".equals(r.header("WWW-Authenticate"))) {
      wrong.add(op + " as " + who + ": 401 without WWW-Authenticate: Bearer");
    }
  }

  @Test
  void healthIsOpenAndTheRestOfActuatorIsForAdmins() {
    assertThat(new Http(port, null).get("/actuator/health").status()).isEqualTo(200);
    assertThat(new Http(port, null).get("/actuator/health/readiness").status()).isEqualTo(200);
    assertThat(new Http(port, null).get("/actuator/prometheus").status()).isEqualTo(401);
    assertThat(byRole.get(Role.SUBMITTER).get("/actuator/prometheus").status()).isEqualTo(403);
    assertThat(admin.get("/actuator/prometheus").status()).isEqualTo(200);
  }

  @Test
  void aKeyIsShownOnceStoredHashedAndRevokedAtOnce() {
    Http.Response created = admin.post("/v1/keys", "{\"name\":\"once-" + suffix + "\",\"role\":\"reader\"}");
    String key = created.json().get("key").asString();
    assertThat(key).startsWith("snmf_").hasSizeGreaterThanOrEqualTo(5 + 43); // 256 random bits, base64url
    long id = created.json().get("apiKey").get("id").asLong();
    assertThat(admin.get("/v1/keys/" + id).body()).doesNotContain(key);
    assertThat(admin.get("/v1/keys?size=500").body()).doesNotContain(key);
    Http reader = new Http(port, key);
    assertThat(reader.get("/v1/models").status()).isEqualTo(200);
    assertThat(admin.get("/v1/keys/" + id).json().get("lastUsedAt").isNull()).isFalse();
    JsonNode revokedKey = admin.delete("/v1/keys/" + id).json();
    assertThat(revokedKey.get("active").asBoolean()).isFalse();
    assertThat(reader.get("/v1/models").status()).isEqualTo(401);
  }

  @Test
  void expiredKeysAndBadRequestsForKeysAreRejected() {
    assertThat(admin.post("/v1/keys", "{\"name\":\"old\",\"role\":\"reader\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}")
        .status()).isEqualTo(422);
    assertThat(admin.post("/v1/keys", "{\"name\":\"x\",\"role\":\"root\"}").status()).isEqualTo(422);
    assertThat(admin.post("/v1/keys", "{\"role\":\"reader\"}").status()).isEqualTo(400);
    Http.Response malformed = new Http(port, null).send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/v1/models")).header("Authorization", "Basic YWRtaW46YWRtaW4="));
    assertThat(malformed.status()).isEqualTo(401);
    assertThat(malformed.json().get("detail").asString()).contains("Bearer");
  }

  @Test
  void onlyAdminsRegisterModelsFromServerPathsAndSubmittersRegisterAllowedHubModels() {
    Http submitter = byRole.get(Role.SUBMITTER);
    Http.Response local = submitter.post("/v1/models", "{\"name\":\"sub-local-" + suffix + "\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}");
    assertThat(local.status()).as(local.body()).isEqualTo(403);
    Http.Response hub = submitter.post("/v1/models", "{\"name\":\"sub-hub-" + suffix + "\",\"source\":\"hf\","
        + "\"repoId\":\"org/model\"}");
    assertThat(hub.status()).as(hub.body()).isEqualTo(201);
    Http.Response unlisted = submitter.post("/v1/models", "{\"name\":\"sub-else-" + suffix + "\",\"source\":\"hf\","
        + "\"repoId\":\"elsewhere/model\"}");
    assertThat(unlisted.status()).as(unlisted.body()).isEqualTo(403);
    assertThat(unlisted.json().get("detail").asString()).contains("elsewhere/model")
        .contains("snmf.models.hub.allowed-repos");
    assertThat(admin.post("/v1/models", "{\"name\":\"adm-else-" + suffix + "\",\"source\":\"hf\","
        + "\"repoId\":\"elsewhere/model\"}").status()).as("admins are not bound by the allowlist").isEqualTo(201);
    assertThat(admin.post("/v1/models", "{\"name\":\"adm-local-" + suffix + "\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").status()).isEqualTo(201);
  }

  @Test
  void submittersCancelTheirOwnJobsOnlyAndIdempotencyKeysArePerKey() {
    long model = admin.post("/v1/models", "{\"name\":\"own-" + suffix + "\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    Http alice = byRole.get(Role.SUBMITTER);
    Http bob = new Http(port, createKey("bob-" + suffix, "submitter"));
    String sample = "{\"name\":\"own-%s-" + suffix + "\",\"kind\":\"model-samples\",\"modelId\":" + model
        + ",\"count\":5000,\"length\":31,\"seed\":%d}";
    Http.Response aliceJob = alice.post("/v1/datasets", sample.formatted("a", 1), "Idempotency-Key", "same-" + suffix);
    Http.Response bobJob = bob.post("/v1/datasets", sample.formatted("b", 2), "Idempotency-Key", "same-" + suffix);
    assertThat(aliceJob.status()).as(aliceJob.body()).isEqualTo(202);
    assertThat(bobJob.status()).as("the same Idempotency-Key from another key is another job: " + bobJob.body())
        .isEqualTo(202);
    long aliceId = aliceJob.json().get("id").asLong();
    long bobId = bobJob.json().get("id").asLong();
    assertThat(aliceId).isNotEqualTo(bobId);
    assertThat(aliceJob.json().get("createdBy").asLong()).isEqualTo(findKeyId("submitter-" + suffix));

    assertThat(bob.post("/v1/jobs/" + aliceId + "/cancel", "").status()).isEqualTo(403);
    Http.Response own = bob.post("/v1/jobs/" + bobId + "/cancel", "");
    assertThat(own.status()).as(own.body()).isIn(200, 409);
    Http.Response byAdmin = admin.post("/v1/jobs/" + aliceId + "/cancel", "");
    assertThat(byAdmin.status()).as(byAdmin.body()).isIn(200, 409);
  }

  @Test
  void rowsRecordTheKeyThatCreatedThem() {
    Http submitter = byRole.get(Role.SUBMITTER);
    long submitterId = findKeyId("submitter-" + suffix);
    long dataset = submitter.post("/v1/datasets", "{\"name\":\"owned-" + suffix + "\",\"kind\":\"text\","
        + "\"texts\":[\"a\"]}").json().get("id").asLong();
    assertThat(jdbc.sql("SELECT created_by FROM dataset WHERE id = ?").param(dataset).query(Long.class).single())
        .isEqualTo(submitterId);
    long model = submitter.post("/v1/models", "{\"name\":\"owned-" + suffix + "\",\"source\":\"hf\","
        + "\"repoId\":\"org/owned\"}").json().get("id").asLong();
    assertThat(jdbc.sql("SELECT created_by FROM model WHERE id = ?").param(model).query(Long.class).single())
        .isEqualTo(submitterId);
    // rows that a job writes (activation sets, factorizations, steering runs, evaluations) belong to its submitter
    long job = jdbc.sql("INSERT INTO job (type, created_by, status) VALUES ('owned-" + suffix + "', ?, 'CANCELLED')"
        + " RETURNING id").param(submitterId).query(Long.class).single();
    long evaluation = jdbc.sql("INSERT INTO evaluation (job_id, model_id, layer, settings, results)"
        + " VALUES (?, ?, 0, '{}', '{}') RETURNING id").params(job, model).query(Long.class).single();
    assertThat(jdbc.sql("SELECT created_by FROM evaluation WHERE id = ?").param(evaluation).query(Long.class).single())
        .isEqualTo(submitterId);
    jdbc.sql("DELETE FROM evaluation WHERE id = ?").param(evaluation).update();
  }

  @Test
  void stateChangingRequestsAreAudited() {
    Http reader = byRole.get(Role.READER);
    assertThat(reader.delete("/v1/models/999999999").status()).isEqualTo(403);
    Http submitter = byRole.get(Role.SUBMITTER);
    assertThat(submitter.post("/v1/datasets", "{\"name\":\"audited-" + suffix + "\",\"kind\":\"text\","
        + "\"texts\":[\"a\"]}").status()).isEqualTo(201);
    assertThat(reader.get("/v1/audit").status()).isEqualTo(403);

    JsonNode readerEntries = admin.get("/v1/audit?keyId=" + findKeyId("reader-" + suffix)).json().get("items");
    assertThat(readerEntries).anySatisfy(e -> {
      assertThat(e.get("action").asString()).isEqualTo("DELETE /v1/models/999999999");
      assertThat(e.get("outcome").asString()).isEqualTo("DENIED");
      assertThat(e.get("keyName").asString()).isEqualTo("reader-" + suffix);
    });
    JsonNode submitterEntries = admin.get("/v1/audit?keyId=" + findKeyId("submitter-" + suffix)).json().get("items");
    assertThat(submitterEntries).anySatisfy(e -> {
      assertThat(e.get("action").asString()).isEqualTo("POST /v1/datasets");
      assertThat(e.get("outcome").asString()).isEqualTo("SUCCEEDED");
      assertThat(e.get("target").asString()).startsWith("/v1/datasets/");
    });
    JsonNode keyChanges = admin.get("/v1/audit?size=500").json().get("items");
    assertThat(keyChanges).anySatisfy(e -> assertThat(e.get("action").asString()).isEqualTo("DELETE /v1/keys/{id}"));
  }
}
