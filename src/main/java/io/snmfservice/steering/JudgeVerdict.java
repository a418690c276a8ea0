package io.snmfservice.steering;

/**
 * The judge's ratings of one text: either scores or the reason there are none — never an exception.
 *
 * @param concept concept rating 0–2, or null on failure
 * @param fluency fluency rating 0–2, or null on failure
 * @param instruction relevance of the continuation to its prompt 0–2, or null (failure, or not asked)
 * @param harmonicMean AxBench's aggregate, the harmonic mean of the ratings given — 3 / (1/c + 1/i + 1/f) with the
 *     instruction rating, 2·c·f / (c + f) without — 0 when any rating is 0; null on failure
 * @param error what went wrong (HTTP status, timeout, unparsable reply), or null
 * @param attempts HTTP requests made for this text (both prompts, retries included)
 */
public record JudgeVerdict(Double concept, Double fluency, Double instruction, Double harmonicMean, String error,
    int attempts) {

  static JudgeVerdict scored(double concept, double fluency, int attempts) {
    double h = concept == 0 || fluency == 0 ? 0 : 2 / (1 / concept + 1 / fluency);
    return new JudgeVerdict(concept, fluency, null, h, null, attempts);
  }

  static JudgeVerdict scored(double concept, double instruction, double fluency, int attempts) {
    double h = concept == 0 || instruction == 0 || fluency == 0 ? 0
        : 3 / (1 / concept + 1 / instruction + 1 / fluency);
    return new JudgeVerdict(concept, fluency, instruction, h, null, attempts);
  }

  static JudgeVerdict failed(String error, int attempts) {
    return new JudgeVerdict(null, null, null, null, error, attempts);
  }

  public boolean ok() {
    return error == null;
  }
}
