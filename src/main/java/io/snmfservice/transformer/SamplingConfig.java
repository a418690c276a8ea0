package io.snmfservice.transformer;

/**
 * How the next token is drawn: greedy (argmax) when {@code temperature ≤ 0}; otherwise from
 * softmax(logits / temperature) restricted to the {@code topK} most likely tokens (0 = no limit) and then to the
 * smallest set whose probability reaches {@code topP} (1 = no limit). Generation stops early at EOS only when
 * {@code stopAtEos}.
 */
public record SamplingConfig(float temperature, int topK, float topP, boolean stopAtEos) {

  public SamplingConfig {
    if (topK < 0 || topP <= 0 || topP > 1) {
      throw new IllegalArgumentException("need topK ≥ 0 and 0 < topP ≤ 1, got " + topK + ", " + topP);
    }
  }

  /** Argmax decoding, no EOS stop. */
  public static SamplingConfig greedy() {
    return new SamplingConfig(0f, 0, 1f, false);
  }

  /** Temperature / top-k / top-p sampling, no EOS stop. */
  public static SamplingConfig sample(float temperature, int topK, float topP) {
    return new SamplingConfig(temperature, topK, topP, false);
  }

  /** The same settings, stopping when the model emits its EOS token. */
  public SamplingConfig stoppingAtEos() {
    return new SamplingConfig(temperature, topK, topP, true);
  }
}
