package io.snmfservice.steering;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The judge against a local server speaking the chat-completions format. */
class JudgeClientTest {

  /** One scripted server reply. */
  private record Reply(int status, String body, String retryAfter, long delayMillis) {}

  private HttpServer server;
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<Duration> sleeps = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    Reply reply = script.poll();
    if (reply == null) {
      reply = new Reply(500, "{\"error\":\"script exhausted\"}", null, 0);
    }
    try {
      Thread.sleep(reply.delayMillis()); // a slow judge on purpose: the script's delay is what is tested
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (reply.retryAfter() != null) {
      exchange.getResponseHeaders().add("Retry-After", reply.retryAfter());
    }
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    try {
      exchange.sendResponseHeaders(reply.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException clientGone) {
      // the client timed out and closed the connection
    }
  }

  private static String completion(String content) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":" + quote(content) + "},\"finish_reason\":\"stop\"}]}";
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private JudgeClient client(Duration timeout, int retries) {
    JudgeSettings settings = JudgeSettings.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1"),
        "judge-model", "secret").withTimeout(timeout).withRetries(retries, Duration.ofMillis(250));
    return new JudgeClient(settings, HttpClient.newHttpClient(), sleeps::add);
  }

  @Test
  void parsesConceptAndFluencyRatingsAndTheirHarmonicMean() {
    script.add(new Reply(200, completion("The text is all about dogs.\nRating: [[2]]"), null, 0));
    script.add(new Reply(200, completion("Mostly readable, some repetition. Rating: [[1]]"), null, 0));
    JudgeVerdict verdict = client(Duration.ofSeconds(5), 2).rate("dogs", "the dog barked at the dog");
    assertThat(verdict.ok()).isTrue();
    assertThat(verdict.concept()).isEqualTo(2.0);
    assertThat(verdict.fluency()).isEqualTo(1.0);
    assertThat(verdict.harmonicMean()).isCloseTo(4.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(verdict.attempts()).isEqualTo(2);
    assertThat(requests.get(0)).contains("\"model\":\"judge-model\"").contains("dogs").contains("the dog barked");
    assertThat(authorizations).containsOnly("Bearer secret");
  }

  @Test
  void recordsAMalformedReplyAsAFailure() {
    script.add(new Reply(200, "{\"choices\":[]}", null, 0));
    JudgeVerdict notChat = client(Duration.ofSeconds(5), 2).rate("dogs", "text");
    assertThat(notChat.ok()).isFalse();
    assertThat(notChat.error()).contains("malformed");
    assertThat(notChat.concept()).isNull();

    script.add(new Reply(200, completion("I would say it is about cats. Rating: [[7]]"), null, 0));
    script.add(new Reply(200, completion("Rating: [[2]]"), null, 0));
    JudgeVerdict outOfRange = client(Duration.ofSeconds(5), 2).rate("dogs", "text");
    assertThat(outOfRange.ok()).isFalse();
    assertThat(outOfRange.error()).contains("concept").contains("no rating");

    script.add(new Reply(200, "not json at all", null, 0));
    assertThat(client(Duration.ofSeconds(5), 2).rate("dogs", "text").error()).contains("malformed");
  }

  @Test
  void recordsATimeoutAfterRetrying() {
    script.add(new Reply(200, completion("Rating: [[2]]"), null, 1500));
    script.add(new Reply(200, completion("Rating: [[2]]"), null, 1500));
    JudgeVerdict verdict = client(Duration.ofMillis(200), 1).rate("dogs", "text");
    assertThat(verdict.ok()).isFalse();
    assertThat(verdict.error()).contains("timeout").contains("2 attempts");
    assertThat(verdict.attempts()).isEqualTo(2);
    assertThat(sleeps).containsExactly(Duration.ofMillis(250));
  }

  @Test
  void waitsRetryAfterOn429AndThenSucceeds() {
    script.add(new Reply(429, "{\"error\":{\"message\":\"rate limited\"}}", "3", 0));
    script.add(new Reply(200, completion("Rating: [[1]]"), null, 0));
    script.add(new Reply(200, completion("Rating: [[2]]"), null, 0));
    JudgeVerdict verdict = client(Duration.ofSeconds(5), 2).rate("dogs", "text");
    assertThat(verdict.ok()).isTrue();
    assertThat(verdict.concept()).isEqualTo(1.0);
    assertThat(verdict.fluency()).isEqualTo(2.0);
    assertThat(verdict.attempts()).isEqualTo(3);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void givesUpAfterServerErrorsWithExponentialBackoff() {
    for (int i = 0; i < 4; i++) {
      script.add(new Reply(503, "{\"error\":\"overloaded\"}", null, 0));
    }
    JudgeSummary summary = client(Duration.ofSeconds(5), 3).rateAll("dogs", List.of("text"));
    JudgeVerdict verdict = summary.verdicts().get(0);
    assertThat(verdict.ok()).isFalse();
    assertThat(verdict.error()).contains("HTTP 503").contains("4 attempts");
    assertThat(requests).hasSize(4);
    assertThat(sleeps).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1000));
    assertThat(summary.failures()).isEqualTo(1);
    assertThat(summary.meanHarmonic()).isNull();
  }

  @Test
  void doesNotRetryAClientError() {
    script.add(new Reply(401, "{\"error\":\"bad key\"}", null, 0));
    JudgeVerdict verdict = client(Duration.ofSeconds(5), 3).rate("dogs", "text");
    assertThat(verdict.error()).contains("HTTP 401");
    assertThat(requests).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void recordsAnUnreachableServer() {
    server.stop(0);
    JudgeVerdict verdict = client(Duration.ofSeconds(2), 1).rate("dogs", "text");
    assertThat(verdict.ok()).isFalse();
    assertThat(verdict.error()).contains("connection error");
  }

  @Test
  void readsRatingsWrittenInLooserForms() {
    assertThat(JudgeClient.parseRating("Reasoning... Rating: 1")).contains(1.0);
    assertThat(JudgeClient.parseRating("first [[0]] then finally [[2]]")).contains(2.0);
    assertThat(JudgeClient.parseRating("**Rating:** 2")).contains(2.0);
    assertThat(JudgeClient.parseRating("Rating: 3")).isEmpty();
    assertThat(JudgeClient.parseRating("no number here")).isEmpty();
  }

  @Test
  void judgesAgainstTheDescriptionOrElseTheTopTokens() {
    assertThat(JudgeClient.concept(" dogs and barking ", List.of("dog"))).isEqualTo("dogs and barking");
    assertThat(JudgeClient.concept(null, List.of("dog", " bark"))).isEqualTo("text related to these tokens: \"dog\", \" bark\"");
  }

  @Test
  void scoresEachReachedOutcomeOfAReportOnPromptPlusContinuationAndItsRelevanceToThePrompt() {
    script.add(new Reply(200, completion("Rating: [[2]]"), null, 0));
    script.add(new Reply(200, completion("Rating: [[2]]"), null, 0));
    script.add(new Reply(200, completion("Drifts away. Rating: [[1]]"), null, 0));
    LogitShift.Shifts none = new LogitShift.Shifts(List.of(), List.of());
    SteeringReport report = new SteeringReport(2, List.of("I think that"), List.of(), List.of(
        new SteeringOutcome(SteeringSign.POSITIVE, new AlphaResult(0.1, 5, 0.1, AlphaResult.Status.REACHED, 3), none,
            List.of(new Generation(0, 0, 0, new int[] {1}, " dogs bark")), null),
        new SteeringOutcome(SteeringSign.POSITIVE,
            new AlphaResult(9, 2000, 1, AlphaResult.Status.UNREACHABLE_TOO_WEAK, 0), none, List.of(), null)));
    List<JudgeSummary> summaries = JudgeScoring.score(client(Duration.ofSeconds(5), 0), "dogs", report,
        SteeringProgress.NONE);
    assertThat(summaries).hasSize(2);
    // AxBench: the harmonic mean of concept 2, instruction 1 and fluency 2
    assertThat(summaries.get(0).meanInstruction()).isEqualTo(1.0);
    assertThat(summaries.get(0).meanHarmonic()).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(summaries.get(1)).isNull();
    assertThat(requests.get(0)).contains("I think that dogs bark");
    assertThat(requests.get(2)).contains("I think that").contains(" dogs bark").contains("the instruction");
  }
}
