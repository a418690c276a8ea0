package io.snmfservice.steering;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how to reach an OpenAI-compatible chat-completions endpoint for the LLM judge.
 *
 * @param baseUrl API root, e.g. {@code http://localhost:8000/v1}; requests go to {@code {baseUrl}/chat/completions}
 * @param model model name sent in every request
 * @param apiKey bearer token, or null/blank for none
 * @param timeout per-request timeout (connect + response)
 * @param maxRetries retries after the first attempt, for 429, 5xx, timeouts and connection errors
 * @param initialBackoff wait before the first retry; doubles with every further retry
 * @param maxRetryAfter cap on a server's {@code Retry-After} wait
 */
public record JudgeSettings(URI baseUrl, String model, String apiKey, Duration timeout, int maxRetries,
    Duration initialBackoff, Duration maxRetryAfter) {

  public JudgeSettings {
    if (baseUrl == null || model == null || model.isBlank()) {
      throw new IllegalArgumentException("the judge needs a base URL and a model name");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero() || maxRetries < 0
        || initialBackoff == null || initialBackoff.isNegative() || maxRetryAfter == null || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("judge timeout must be > 0, retries and waits ≥ 0");
    }
  }

  /** 60 s timeout, 3 retries, 1 s first backoff, Retry-After capped at 60 s. */
  public static JudgeSettings of(URI baseUrl, String model, String apiKey) {
    return new JudgeSettings(baseUrl, model, apiKey, Duration.ofSeconds(60), 3, Duration.ofSeconds(1),
        Duration.ofSeconds(60));
  }

  public JudgeSettings withTimeout(Duration newTimeout) {
    return new JudgeSettings(baseUrl, model, apiKey, newTimeout, maxRetries, initialBackoff, maxRetryAfter);
  }

  public JudgeSettings withRetries(int retries, Duration backoff) {
    return new JudgeSettings(baseUrl, model, apiKey, timeout, retries, backoff, maxRetryAfter);
  }

  URI completionsUri() {
    String root = baseUrl.toString();
    return URI.create((root.endsWith("/") ? root : root + "/") + "chat/completions");
  }
}
