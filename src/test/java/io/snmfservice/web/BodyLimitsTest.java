package io.snmfservice.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.snmfservice.support.Http;
import io.snmfservice.support.RejectedRequests;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.TestKeys;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Request bodies are held to {@code snmf.web.*} however they are sent: a chunked body (no Content-Length) is
 * counted as it arrives and refused at the first byte past the limit, and a JSON body within the byte limit cannot
 * nest without end or expand into millions of objects. The test profile's limit is 4 MiB.
 */
@ServiceTest
class BodyLimitsTest {

  private static final long LIMIT = 4_194_304;

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcClient jdbc;

  @Autowired RequestSizeLimitFilter sizeLimit;

  RejectedRequests database;

  @BeforeEach
  void setUp() {
    database = new RejectedRequests(jdbc, "model", "dataset", "document", "job", "vector_set");
  }

  /** POSTs a body of {@code total} bytes made by repeating {@code unit} after {@code head}, sent chunked. */
  private Http.Response chunked(String path, String contentType, String head, String unit, long total) {
    Supplier<InputStream> body = () -> new RepeatingStream(head.getBytes(StandardCharsets.UTF_8),
        unit.getBytes(StandardCharsets.UTF_8), total);
    return new Http(port, TestKeys.ADMIN).send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofInputStream(body)));
  }

  @Test
  void aChunkedJsonBodyOverTheLimitGets413() {
    database.rejects(413, "exceeds the limit of " + LIMIT, () -> chunked("/v1/datasets", "application/json",
        "{\"name\":\"chunked\",\"kind\":\"text\",\"content\":\"", "aaaaaaaaaaaaaaaa", 100_000_000));
  }

  @Test
  void aChunkedUploadOverTheLimitGets413() {
    String head = "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbig\r\n"
        + "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ntext\r\n"
        + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\n";
    database.rejects(413, "", () -> chunked("/v1/datasets", "multipart/form-data; boundary=b", head,
        "line of text\n", 100_000_000));
  }

  @Test
  void deepNestingWithinTheByteLimitGets400() {
    // in a field the request does not have: the parser reads its value through before the field is refused, so the
    // depth limit holds there too and is what the answer names
    String deep = "{\"name\":\"deep\",\"kind\":\"text\",\"texts\":[\"a\"],\"x\":" + "[".repeat(200_000)
        + "]".repeat(200_000) + "}";
    database.rejects(400, "snmf.web.max-json-depth", () -> new Http(port, TestKeys.ADMIN).post("/v1/datasets", deep));
  }

  @Test
  void millionsOfEmptyArraysWithinTheByteLimitGet413() {
    // 4 MB of "[]," is 1.4 million arrays, 2.8 million tokens: refused while parsing, before they become objects
    long arrays = (LIMIT - 100) / 3;
    database.rejects(413, "snmf.web.max-json-tokens", () -> chunked("/v1/datasets", "application/json",
        "{\"name\":\"empties\",\"kind\":\"tokens\",\"tokens\":[[]", ",[]", 50 + arrays * 3));
  }

  @Test
  void aLongNumberGets400() {
    database.rejects(400, "snmf.web.max-json-number-length", () -> new Http(port, TestKeys.ADMIN).post("/v1/datasets",
        "{\"name\":\"n\",\"kind\":\"tokens\",\"tokens\":[[" + "1".repeat(5_000) + "]]}"));
  }

  @Test
  void largeBodiesBeyondTheReplicasBudgetGet503UntilRoomIsFree() throws Exception {
    // three clients that send the start of a 4 MiB body (two declared, one chunked) and then stall take the whole
    // 12 MiB budget
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket socket = new Socket("localhost", port);
        String length = i < 2 ? "Content-Length: 4194304\r\n" : "Transfer-Encoding: chunked\r\n";
        String start = i < 2 ? "{\"name\":" : "8\r\n{\"name\":\r\n";
        socket.getOutputStream().write(("POST /v1/datasets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + TestKeys.ADMIN + "\r\nContent-Type: application/json\r\n" + length + "\r\n" + start)
            .getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        stalled.add(socket);
        int held = 4096 * (i + 1);
        await("stalled client " + i + " to take its 4 MiB").atMost(Duration.ofSeconds(10))
            .until(sizeLimit::bodyKibTaken, kib -> kib == held);
      }
      for (Socket socket : stalled) {
        assertThat(socket.getInputStream().available()).as("a stalled client was answered before it sent its body")
            .isZero();
      }
      // 100 KiB with a kind that does not exist: 422 whenever it is read, so nothing is stored either way
      String large = "{\"name\":\"budget\",\"kind\":\"none\",\"content\":\"" + "a".repeat(100_000) + "\"}";
      Http admin = new Http(port, TestKeys.ADMIN);
      List<Long> before = database.counts();
      Http.Response full = admin.post("/v1/datasets", large);
      assertThat(full.status()).as(full.body()).isEqualTo(503);
      assertThat(full.contentType()).startsWith("application/problem+json");
      assertThat(full.header("Retry-After")).isEqualTo("2");
      assertThat(full.json().get("detail").asString()).contains("snmf.web.max-body-bytes-in-flight");
      assertThat(admin.post("/v1/datasets", "{\"name\":\"small\",\"kind\":\"none\"}").status())
          .as("small bodies do not count").isEqualTo(422);
      stalled.remove(0).close(); // one client gives up: its room comes back once the server has seen it go
      await("the room of the client that left to come back").atMost(Duration.ofSeconds(20))
          .until(sizeLimit::bodyKibTaken, kib -> kib == 2 * 4096);
      Http.Response after = admin.post("/v1/datasets", large);
      assertThat(after.status()).as(after.body()).isEqualTo(422);
      assertThat(database.counts()).as("nothing stored").isEqualTo(before);
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  /** {@code head} then {@code unit} again and again, {@code total} bytes in all, made as they are read. */
  private static final class RepeatingStream extends InputStream {

    private final byte[] head;
    private final byte[] unit;
    private final long total;
    private long position;

    RepeatingStream(byte[] head, byte[] unit, long total) {
      this.head = head;
      this.unit = unit;
      this.total = total;
    }

    @Override
    public int read() {
      if (position >= total) {
        return -1;
      }
      long p = position++;
      return (p < head.length ? head[(int) p] : unit[(int) ((p - head.length) % unit.length)]) & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= total) {
        return -1;
      }
      int n = (int) Math.min(len, total - position);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) read();
      }
      return n;
    }
  }
}
