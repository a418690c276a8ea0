package io.snmfservice.steering;

/**
 * The judge's ratings of one text: either scores or the reason there are none — never an exception.
 *
 * @param concept concept rating 0–2, or null on failure
 * @param fluency fluency rating 0–2, or null on failure
 * @param harmonicMean 2·c·f / (c + f) (0 when both are 0), AxBench's aggregate, or null on failure
 * @param error what went wrong (HTTP status, timeout, unparsable reply), or null
 * @param attempts HTTP requests made for this text (both prompts, retries included)
 */
public record JudgeVerdict(Double concept, Double fluency, Double harmonicMean, String error, int attempts) {

  static JudgeVerdict scored(double concept, double fluency, int attempts) {
    double sum = concept + fluency;
    return new JudgeVerdict(concept, fluency, sum == 0 ? 0.0 : 2 * concept * fluency / sum, null, attempts);
  }

  static JudgeVerdict failed(String error, int attempts) {
    return new JudgeVerdict(null, null, null, error, attempts);
  }

  public boolean ok() {
    return error == null;
  }
}
