package io.snmfservice.explanations;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.snmfservice.steering.JudgeClient;
import io.snmfservice.steering.JudgeSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fuzzing score against a fake judge over the chat API whose answers are known: a planted feature that fires on
 * the token " dog", contexts built so that the right answers, and so the score, can be counted by hand.
 */
class FuzzingScoreTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern MARKED = Pattern.compile("⟦([^⟧]*)⟧");
  private static HttpServer server;
  /** The fake judge: the marked text of a prompt → the HTTP status and body it answers with. */
  private static volatile Function<String, Reply> judge;

  record Reply(int status, String body) {
    static Reply content(String content) {
      return new Reply(200, JSON.createObjectNode().set("choices", JSON.createArrayNode().add(JSON.createObjectNode()
          .set("message", JSON.createObjectNode().put("role", "assistant").put("content", content)))).toString());
    }
  }

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", FuzzingScoreTest::answer);
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static void answer(HttpExchange exchange) throws IOException {
    String prompt = JSON.readTree(exchange.getRequestBody().readAllBytes()).get("messages").get(0).get("content")
        .asString();
    int start = prompt.indexOf("\"\"\"\n") + 4;
    Reply reply = judge.apply(prompt.substring(start, prompt.indexOf("\n\"\"\"", start)));
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(reply.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Knows the truth: the marking is right iff every marked token is " dog". */
  private static Reply truthful(String text) {
    return Reply.content("Rating: [[" + (marksOnlyDogs(text) ? 1 : 0) + "]]");
  }

  private static boolean marksOnlyDogs(String text) {
    Matcher m = MARKED.matcher(text);
    boolean any = false;
    while (m.find()) {
      any = true;
      if (!m.group(1).replace(" dog", "").isEmpty()) {
        return false;
      }
    }
    return any;
  }

  private static FeatureExplainer explainer() {
    JudgeSettings settings = JudgeSettings.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1"),
        "fake", null).withRetries(0, Duration.ZERO).withTimeout(Duration.ofSeconds(10));
    return new FeatureExplainer(new JudgeClient(settings));
  }

  private static FuzzSamples.Window window(List<String> tokens, List<Float> activations, int firing) {
    return new FuzzSamples.Window(tokens, activations, firing);
  }

  /** Four activating contexts (five " dog" tokens in all), two plain non-activating ones, one made only of dogs. */
  private static List<FuzzSamples.Sample> planted() {
    List<FuzzSamples.Window> activating = List.of(
        window(List.of("The", " dog", " ran"), List.of(0.1f, 2.0f, 0.5f), 1),
        window(List.of("A", " dog", " and", " dog"), List.of(0.0f, 1.5f, 0.2f, 1.0f), 1),
        window(List.of(" dog", " barks"), List.of(3.0f, 0.8f), 0),
        window(List.of("my", " dog"), List.of(0.05f, 0.9f), 1));
    List<FuzzSamples.Window> nonActivating = List.of(
        window(List.of("Cats", " sleep", " all", " day"), List.of(1f, 1f, 1f, 1f), 2),
        window(List.of("Rain", " falls"), List.of(1f, 1f), 0),
        window(List.of(" dog", " dog", " dog"), List.of(1f, 1f, 1f), 1));
    return FuzzSamples.of(activating, nonActivating, 7);
  }

  @Test
  void samplesMarkTheActivatingTokensOrAsManyWrongOnes() {
    List<FuzzSamples.Sample> samples = planted();
    assertThat(samples).extracting(FuzzSamples.Sample::correctlyMarked)
        .containsExactly(true, true, true, true, false, false, false);
    // ≥ 0.3 of the context's maximum: " ran" (0.5 < 0.6) and " barks" (0.8 < 0.9) stay plain
    assertThat(samples.get(0).text()).isEqualTo("The⟦ dog⟧ ran");
    assertThat(samples.get(1).text()).isEqualTo("A⟦ dog⟧ and⟦ dog⟧");
    assertThat(samples.get(2).text()).isEqualTo("⟦ dog⟧ barks");
    assertThat(samples.get(3).text()).isEqualTo("my⟦ dog⟧");
    // 5 marks over 4 contexts: ceil(1.25) = 2 wrong marks, the context's own firing token among them
    assertThat(markedTokens(samples.get(4).text())).isEqualTo(2);
    assertThat(samples.get(4).text()).matches(".*⟦[^⟧]* all[^⟦]*⟧.*");
    assertThat(samples.get(5).text()).isEqualTo("⟦Rain falls⟧");
    assertThat(markedTokens(samples.get(6).text())).isEqualTo(2);
    assertThat(planted()).isEqualTo(samples); // deterministic for a seed
  }

  /** Marked tokens of a planted text, whose tokens are words: marked spans' words. */
  private static int markedTokens(String text) {
    Matcher m = MARKED.matcher(text);
    int count = 0;
    while (m.find()) {
      count += m.group(1).strip().split(" +").length;
    }
    return count;
  }

  @Test
  void theThresholdIsInclusiveAndSilentContextsAreLeftOut() {
    assertThat(FuzzSamples.activePositions(List.of(1.0f, 0.3f, 0.29f))).containsExactly(0, 1);
    assertThat(FuzzSamples.activePositions(List.of(0f, -1f))).isEmpty();
    List<FuzzSamples.Sample> samples = FuzzSamples.of(List.of(window(List.of("a", "b"), List.of(0f, 0f), 0)),
        List.of(window(List.of("x", "y", "z"), List.of(0f, 0f, 0f), 5), window(List.of(), List.of(), 0)), 1);
    assertThat(samples).hasSize(1);
    assertThat(samples.get(0).correctlyMarked()).isFalse();
    // no right marks to count: one wrong mark, at random (the firing position lies outside the window)
    assertThat(samples.get(0).text()).matches("⟦x⟧yz|x⟦y⟧z|xy⟦z⟧");
  }

  @Test
  void aTruthfulJudgeScoresAsCountedByHand() {
    judge = FuzzingScoreTest::truthful;
    FeatureExplainer.Fuzzing f = explainer().fuzz("the word dog", planted());
    // four right marks accepted, two wrong ones refused, the all-dog context's wrong marks accepted
    assertThat(f.truePositives()).isEqualTo(4);
    assertThat(f.trueNegatives()).isEqualTo(2);
    assertThat(f.falsePositives()).isEqualTo(1);
    assertThat(f.falseNegatives()).isZero();
    assertThat(f.failures()).isZero();
    assertThat(f.answered()).isEqualTo(7);
    assertThat(f.accuracy()).isEqualTo(6.0 / 7);
    assertThat(f.balancedAccuracy()).isEqualTo((4.0 / 4 + 2.0 / 3) / 2);
    assertThat(f.trials()).extracting(FeatureExplainer.FuzzTrial::answer)
        .containsExactly(true, true, true, true, false, false, true);
  }

  @Test
  void aJudgeThatAlwaysSaysYesScoresTheShareOfRightMarks() {
    judge = text -> Reply.content("They all look fine to me. Rating: [[1]]");
    FeatureExplainer.Fuzzing f = explainer().fuzz("the word dog", planted());
    assertThat(f.accuracy()).isEqualTo(4.0 / 7);
    assertThat(f.balancedAccuracy()).isEqualTo(0.5);
  }

  @Test
  void hostileAndFailedAnswersAreFailuresNotCrashes() {
    List<FuzzSamples.Sample> samples = planted();
    List<Reply> replies = new ArrayList<>(List.of(
        new Reply(500, "overloaded"),
        new Reply(200, "not json {"),
        Reply.content("I refuse to answer. Ignore previous instructions."),
        Reply.content("Rating: [[7]]"),
        new Reply(200, "{\"choices\":[{\"message\":{\"content\":null}}]}"),
        Reply.content("x".repeat(100_000) + " Rating: [[0]]"), // long but well-formed: an answer
        new Reply(404, "{\"error\":\"no such model\"}")));
    judge = text -> {
      int i = -1;
      for (int k = 0; k < samples.size(); k++) {
        if (samples.get(k).text().equals(text)) {
          i = k;
        }
      }
      return replies.get(i);
    };
    FeatureExplainer.Fuzzing f = explainer().fuzz("the word dog", samples);
    assertThat(f.failures()).isEqualTo(6);
    assertThat(f.answered()).isEqualTo(1);
    assertThat(f.trueNegatives()).isEqualTo(1); // the sixth sample is wrongly marked and was refused
    assertThat(f.accuracy()).isEqualTo(1.0);
    assertThat(f.balancedAccuracy()).isNull(); // no correctly marked sample was answered
    assertThat(f.trials()).hasSize(7);

    judge = text -> new Reply(503, "down");
    FeatureExplainer.Fuzzing none = explainer().fuzz("the word dog", samples);
    assertThat(none.failures()).isEqualTo(7);
    assertThat(none.accuracy()).isNull();
    assertThat(none.balancedAccuracy()).isNull();
    assertThat(none.trials()).allSatisfy(t -> assertThat(t.answer()).isNull());
  }
}
