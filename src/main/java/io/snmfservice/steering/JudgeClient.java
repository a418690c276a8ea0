package io.snmfservice.steering;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * LLM judge over an OpenAI-compatible chat-completions API (AxBench style): one request rates how clearly a text
 * expresses a concept (0–2), another how fluent it is (0–2); the verdict carries both and their harmonic mean.
 * Prompts are the resources {@code steering/judge-concept.txt} and {@code steering/judge-fluency.txt}
 * ({@code {concept}}, {@code {text}} filled in); the reply must end with {@code Rating: [[n]]}.
 *
 * <p>Failures never escape: 429 (waiting {@code Retry-After}, capped, else the backoff), 5xx, timeouts and
 * connection errors are retried with exponential backoff up to {@code maxRetries}; other 4xx, exhausted retries
 * and unparsable replies become a {@link JudgeVerdict} with an {@code error}. Thread-safe.
 */
public final class JudgeClient {

  /** Waits between retries; replaceable so that tests need not sleep. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Pattern RATING = Pattern.compile("\\[\\[\\s*(\\d+(?:\\.\\d+)?)\\s*]]");
  private static final Pattern LOOSE_RATING = Pattern.compile("(?i)rating\\s*[:=]\\s*\\**\\s*(\\d+(?:\\.\\d+)?)");
  private static final int MAX_ERROR_BODY = 200;

  private final JudgeSettings settings;
  private final HttpClient http;
  private final Sleeper sleeper;
  private final JsonMapper json = JsonMapper.builder().build();
  private final String conceptPrompt = resource("judge-concept.txt");
  private final String fluencyPrompt = resource("judge-fluency.txt");
  private final String instructionPrompt = resource("judge-instruction.txt");

  public JudgeClient(JudgeSettings settings) {
    this(settings, HttpClient.newBuilder().connectTimeout(settings.timeout()).build(), d -> Thread.sleep(d.toMillis()));
  }

  JudgeClient(JudgeSettings settings, HttpClient http, Sleeper sleeper) {
    this.settings = settings;
    this.http = http;
    this.sleeper = sleeper;
  }

  /**
   * Rates one text on concept and fluency.
   *
   * @param concept the feature's description, or its top tokens written out (e.g. "tokens: dog, puppy, bark")
   */
  public JudgeVerdict rate(String concept, String text) {
    return rate(concept, null, text, text);
  }

  /**
   * Rates one generation as AxBench does: concept and fluency of the text, and the continuation's relevance to the
   * instruction (the prompt it continues) when one is given.
   *
   * @param instruction the prompt, or null to rate concept and fluency only
   * @param text what concept and fluency are rated on (here: prompt + continuation)
   * @param continuation what relevance to the instruction is rated on
   */
  public JudgeVerdict rate(String concept, String instruction, String text, String continuation) {
    Attempt conceptReply = ask(conceptPrompt.replace("{concept}", concept).replace("{text}", text));
    if (conceptReply.error != null) {
      return JudgeVerdict.failed("concept: " + conceptReply.error, conceptReply.attempts);
    }
    Attempt fluencyReply = ask(fluencyPrompt.replace("{concept}", concept).replace("{text}", text));
    int attempts = conceptReply.attempts + fluencyReply.attempts;
    if (fluencyReply.error != null) {
      return JudgeVerdict.failed("fluency: " + fluencyReply.error, attempts);
    }
    Optional<Double> c = parseRating(conceptReply.content);
    Optional<Double> f = parseRating(fluencyReply.content);
    if (c.isEmpty() || f.isEmpty()) {
      String which = c.isEmpty() ? "concept" : "fluency";
      String reply = c.isEmpty() ? conceptReply.content : fluencyReply.content;
      return JudgeVerdict.failed(which + ": no rating 0-2 in reply: " + clip(reply), attempts);
    }
    if (instruction == null) {
      return JudgeVerdict.scored(c.get(), f.get(), attempts);
    }
    Attempt instructionReply = ask(instructionPrompt.replace("{instruction}", instruction)
        .replace("{text}", continuation));
    attempts += instructionReply.attempts;
    if (instructionReply.error != null) {
      return JudgeVerdict.failed("instruction: " + instructionReply.error, attempts);
    }
    Optional<Double> i = parseRating(instructionReply.content);
    if (i.isEmpty()) {
      return JudgeVerdict.failed("instruction: no rating 0-2 in reply: " + clip(instructionReply.content), attempts);
    }
    return JudgeVerdict.scored(c.get(), i.get(), f.get(), attempts);
  }

  /**
   * The concept to judge against: the feature's description when it has one, else its top tokens (e.g. the top
   * vocabulary-projection or top-activating tokens) written out.
   */
  public static String concept(String description, List<String> topTokens) {
    if (description != null && !description.isBlank()) {
      return description.strip();
    }
    if (topTokens == null || topTokens.isEmpty()) {
      throw new IllegalArgumentException("the judge needs a feature description or its top tokens");
    }
    StringBuilder out = new StringBuilder("text related to these tokens: ");
    for (int i = 0; i < topTokens.size(); i++) {
      out.append(i == 0 ? "" : ", ").append('"').append(topTokens.get(i)).append('"');
    }
    return out.toString();
  }

  /** Rates every text on concept and fluency; failures are kept per text. */
  public JudgeSummary rateAll(String concept, List<String> texts) {
    List<JudgeVerdict> verdicts = new ArrayList<>();
    for (String text : texts) {
      verdicts.add(rate(concept, text));
    }
    return JudgeSummary.of(verdicts);
  }

  /** Rates every (prompt, continuation) on concept, instruction relevance and fluency; failures kept per text. */
  public JudgeSummary rateAll(String concept, List<String> prompts, List<String> continuations) {
    List<JudgeVerdict> verdicts = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      verdicts.add(rate(concept, prompts.get(i), prompts.get(i) + continuations.get(i), continuations.get(i)));
    }
    return JudgeSummary.of(verdicts);
  }

  /** The reply to one free-form prompt (e.g. a feature description), or why there is none. */
  public record Completion(String content, String error, int attempts) {
    public boolean ok() {
      return error == null;
    }
  }

  /** Sends one prompt with the same retries as the ratings; failures come back as a Completion with an error. */
  public Completion complete(String prompt) {
    Attempt reply = ask(prompt);
    return new Completion(reply.content, reply.error, reply.attempts);
  }

  /** The model name requests are sent with. */
  public String modelName() {
    return settings.model();
  }

  /**
   * The rating in a reply: the last {@code [[n]]}, else the last "Rating: n"; empty unless 0 ≤ n ≤ 2.
   */
  static Optional<Double> parseRating(String reply) {
    if (reply == null) {
      return Optional.empty();
    }
    String last = lastGroup(RATING.matcher(reply));
    if (last == null) {
      last = lastGroup(LOOSE_RATING.matcher(reply));
    }
    if (last == null) {
      return Optional.empty();
    }
    double value = Double.parseDouble(last);
    return value >= 0 && value <= 2 ? Optional.of(value) : Optional.empty();
  }

  private static String lastGroup(Matcher matcher) {
    String last = null;
    while (matcher.find()) {
      last = matcher.group(1);
    }
    return last;
  }

  /** The reply text of one prompt, or an error, after up to 1 + maxRetries requests. */
  private Attempt ask(String prompt) {
    HttpRequest request = request(prompt);
    String lastError = null;
    for (int attempt = 1; attempt <= settings.maxRetries() + 1; attempt++) {
      Duration wait;
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status / 100 == 2) {
          String content = content(response.body());
          return content == null
              ? Attempt.failure("malformed chat-completions reply: " + clip(response.body()), attempt)
              : Attempt.success(content, attempt);
        }
        lastError = "HTTP " + status + ": " + clip(response.body());
        if (status != 429 && status / 100 != 5) {
          return Attempt.failure(lastError, attempt);
        }
        wait = status == 429 ? retryAfter(response).orElse(backoff(attempt)) : backoff(attempt);
      } catch (HttpTimeoutException e) {
        lastError = "timeout after " + settings.timeout().toMillis() + " ms";
        wait = backoff(attempt);
      } catch (IOException e) {
        lastError = "connection error: " + e.getMessage();
        wait = backoff(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Attempt.failure("interrupted", attempt);
      }
      if (attempt <= settings.maxRetries()) {
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Attempt.failure("interrupted", attempt);
        }
      }
    }
    return Attempt.failure(lastError + " (gave up after " + (settings.maxRetries() + 1) + " attempts)",
        settings.maxRetries() + 1);
  }

  private HttpRequest request(String prompt) {
    ObjectNode body = json.createObjectNode();
    body.put("model", settings.model());
    body.put("temperature", 0);
    ObjectNode message = body.putArray("messages").addObject();
    message.put("role", "user");
    message.put("content", prompt);
    HttpRequest.Builder builder = HttpRequest.newBuilder(settings.completionsUri())
        .timeout(settings.timeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8));
    if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
      builder.header("Authorization", "Bearer " + settings.apiKey());
    }
    return builder.build();
  }

  /** {@code choices[0].message.content}, or null when the body is not that shape. */
  private String content(String body) {
    try {
      JsonNode content = json.readTree(body).path("choices").path(0).path("message").path("content");
      return content.isString() ? content.stringValue() : null;
    } catch (JacksonException e) {
      return null;
    }
  }

  /** Retry-After as seconds or an HTTP date, capped; empty when absent or unreadable. */
  private Optional<Duration> retryAfter(HttpResponse<?> response) {
    Optional<String> header = response.headers().firstValue("Retry-After");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().trim();
    Duration wait;
    try {
      wait = Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        wait = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
      } catch (RuntimeException notADate) {
        return Optional.empty();
      }
    }
    if (wait.isNegative()) {
      wait = Duration.ZERO;
    }
    return Optional.of(wait.compareTo(settings.maxRetryAfter()) > 0 ? settings.maxRetryAfter() : wait);
  }

  /** initialBackoff · 2^(attempt − 1). */
  private Duration backoff(int attempt) {
    return settings.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
  }

  private static String clip(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= MAX_ERROR_BODY ? s : s.substring(0, MAX_ERROR_BODY) + "…";
  }

  private static String resource(String name) {
    try (InputStream in = JudgeClient.class.getResourceAsStream("/steering/" + name)) {
      if (in == null) {
        throw new IllegalStateException("judge prompt resource steering/" + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Attempt(String content, String error, int attempts) {
    static Attempt success(String content, int attempts) {
      return new Attempt(content, null, attempts);
    }

    static Attempt failure(String error, int attempts) {
      return new Attempt(null, error, attempts);
    }
  }
}
