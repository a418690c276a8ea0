package io.snmfservice.steering;

import java.util.List;

/**
 * Judge verdicts of a set of generations and their means over the texts that were scored.
 *
 * @param verdicts one per text, in order
 * @param meanConcept mean concept rating, or null when nothing was scored
 * @param meanFluency mean fluency rating, or null
 * @param meanHarmonic mean of the per-text harmonic means (AxBench aggregates per text first), or null
 * @param failures texts without scores
 */
public record JudgeSummary(List<JudgeVerdict> verdicts, Double meanConcept, Double meanFluency, Double meanHarmonic,
    int failures) {

  /** Name to store with judge scores. */
  public static final String METHOD = "llm-judge-v1";

  static JudgeSummary of(List<JudgeVerdict> verdicts) {
    double c = 0;
    double f = 0;
    double h = 0;
    int scored = 0;
    for (JudgeVerdict v : verdicts) {
      if (v.ok()) {
        c += v.concept();
        f += v.fluency();
        h += v.harmonicMean();
        scored++;
      }
    }
    int failures = verdicts.size() - scored;
    if (scored == 0) {
      return new JudgeSummary(List.copyOf(verdicts), null, null, null, failures);
    }
    return new JudgeSummary(List.copyOf(verdicts), c / scored, f / scored, h / scored, failures);
  }
}
