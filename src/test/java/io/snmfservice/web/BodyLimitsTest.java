package io.snmfservice.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.TestKeys;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
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

  /** Sends the request and checks status, problem body, and that no table changed. */
  private void rejects(int status, String detailFragment, Supplier<Http.Response> request) {
    List<Long> before = counts();
    Http.Response r = request.get();
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asString()).containsIgnoringCase(detailFragment);
    assertThat(counts()).as("database changed by a rejected request").isEqualTo(before);
  }

  private List<Long> counts() {
    return List.of("model", "dataset", "document", "job", "vector_set").stream()
        .map(t -> jdbc.sql("SELECT count(*) FROM " + t).query(Long.class).single())
        .toList();
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
    rejects(413, "exceeds the limit of " + LIMIT, () -> chunked("/v1/datasets", "application/json",
        "{\"name\":\"chunked\",\"kind\":\"text\",\"content\":\"", "aaaaaaaaaaaaaaaa", 100_000_000));
  }

  @Test
  void aChunkedUploadOverTheLimitGets413() {
    String head = "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbig\r\n"
        + "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ntext\r\n"
        + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\n";
    rejects(413, "", () -> chunked("/v1/datasets", "multipart/form-data; boundary=b", head,
        "line of text\n", 100_000_000));
  }

  @Test
  void deepNestingWithinTheByteLimitGets400() {
    // in a field the request does not have, which the parser still has to walk through
    String deep = "{\"name\":\"deep\",\"kind\":\"text\",\"texts\":[\"a\"],\"x\":" + "[".repeat(200_000)
        + "]".repeat(200_000) + "}";
    rejects(400, "snmf.web.max-json-depth", () -> new Http(port, TestKeys.ADMIN).post("/v1/datasets", deep));
  }

  @Test
  void millionsOfEmptyArraysWithinTheByteLimitGet413() {
    // 4 MB of "[]," is 1.4 million arrays, 2.8 million tokens: refused while parsing, before they become objects
    long arrays = (LIMIT - 100) / 3;
    rejects(413, "snmf.web.max-json-tokens", () -> chunked("/v1/datasets", "application/json",
        "{\"name\":\"empties\",\"kind\":\"tokens\",\"tokens\":[[]", ",[]", 50 + arrays * 3));
  }

  @Test
  void aLongNumberGets400() {
    rejects(400, "snmf.web.max-json-number-length", () -> new Http(port, TestKeys.ADMIN).post("/v1/datasets",
        "{\"name\":\"n\",\"kind\":\"tokens\",\"tokens\":[[" + "1".repeat(5_000) + "]]}"));
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
