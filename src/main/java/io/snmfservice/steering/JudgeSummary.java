package io.snmfservice.steering;

import java.util.List;

/**
 * Judge verdicts of a set of generations and their means over the texts that were scored.
 *
 * @param verdicts one per text, in order
 * @param meanConcept mean concept rating, or null when nothing was scored
 * @param meanFluency mean fluency rating, or null
 * @param meanInstruction mean instruction-relevance rating, or null when not asked
 * @param meanHarmonic mean of the per-text harmonic means (AxBench aggregates per text first), or null
 * @param failures texts without scores
 */
public record JudgeSummary(List<JudgeVerdict> verdicts, Double meanConcept, Double meanFluency,
    Double meanInstruction, Double meanHarmonic, int failures) {

  /** Name to store with judge scores (v2: AxBench's three ratings, instruction relevance added). */
  public static final String METHOD = "llm-judge-v2";

  static JudgeSummary of(List<JudgeVerdict> verdicts) {
    double c = 0;
    double f = 0;
    double h = 0;
    double in = 0;
    int instructed = 0;
    int scored = 0;
    for (JudgeVerdict v : verdicts) {
      if (v.ok()) {
        c += v.concept();
        f += v.fluency();
        h += v.harmonicMean();
        scored++;
        if (v.instruction() != null) {
          in += v.instruction();
          instructed++;
        }
      }
    }
    int failures = verdicts.size() - scored;
    if (scored == 0) {
      return new JudgeSummary(List.copyOf(verdicts), null, null, null, null, failures);
    }
    return new JudgeSummary(List.copyOf(verdicts), c / scored, f / scored, instructed == 0 ? null : in / instructed,
        h / scored, failures);
  }
}
