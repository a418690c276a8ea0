package io.snmfservice.comparisons;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.jobs.JobService;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A comparison whose vector set is deleted after the request was accepted fails for good on its first attempt with
 * a 404 problem naming the set: a missing input is a domain error, which another attempt cannot fix.
 */
@ServiceTest
class ComparisonWithMissingVectorSetTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcClient jdbc;
  @Autowired JobService jobs;

  @Test
  void aVectorSetDeletedAfterSubmissionFailsTheJobOnceWith404() {
    ContractClient api = new ContractClient(port);
    String suffix = Long.toString(System.nanoTime(), 36);
    long model = api.post("/v1/models", "{\"name\":\"missing-set-" + suffix
        + "\",\"source\":\"local\",\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json().get("id").asLong();
    Http.Response upload = api.uploadParts("/v1/vector-sets", Map.of("file", Map.entry("rows.npy", npy(3, 128))),
        Map.of("modelId", Long.toString(model), "name", "rows-" + suffix, "kind", "matrix",
            "hook", "blocks.1.hook_mlp_out"));
    assertThat(upload.status()).as(upload.body()).isEqualTo(201);
    long set = upload.json().get("id").asLong();

    // the API validates the request and queues the job; its parameters are what a handler will see
    Http.Response accepted = api.post("/v1/comparisons", "{\"modelId\":" + model + ",\"concepts\":[{\"name\":\"c\","
        + "\"sentences\":[\"the cat sat\",\"a cat ran\"],\"neutral\":[\"one two\",\"three four\"]}],"
        + "\"methods\":[{\"name\":\"rows\",\"vectorSetId\":" + set + "}],\"steering\":{\"enabled\":false}}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    long first = accepted.json().get("id").asLong();
    Jobs.awaitFinished(api, first, Duration.ofMinutes(2));
    Map<String, Object> row = jdbc.sql("SELECT type, params::text AS params FROM job WHERE id = ?").param(first)
        .query().singleRow();

    // the same accepted job, run after its vector set is gone
    assertThat(api.delete("/v1/vector-sets/" + set).status()).isEqualTo(204);
    long id = jobs.submit((String) row.get("type"), JSON.readTree((String) row.get("params")), 0, null).id();
    List<JsonNode> seen = Jobs.awaitFinished(api, id, Duration.ofMinutes(2));
    JsonNode failed = seen.get(seen.size() - 1);

    assertThat(failed.get("status").asString()).as(failed.toString()).isEqualTo("FAILED");
    assertThat(failed.get("attempts").asInt()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.get("error").get("status").asInt()).isEqualTo(404);
    assertThat(failed.get("error").get("detail").asString()).isEqualTo("vector set " + set + " does not exist");
    assertThat(seen).noneMatch(s -> s.get("attempts").asInt() > 1);
  }

  /** A float32 .npy matrix of the given shape with a one on each row's diagonal. */
  private static byte[] npy(int rows, int cols) {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int padded = (header.length() + 11 + 63) / 64 * 64 - 10;
    header = header + " ".repeat(padded - header.length() - 1) + "\n";
    ByteBuffer out = ByteBuffer.allocate(10 + padded + rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
    out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    out.putShort((short) padded).put(header.getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < rows * cols; i++) {
      out.putFloat(i % cols == i / cols ? 1f : 0f);
    }
    return out.array();
  }
}
