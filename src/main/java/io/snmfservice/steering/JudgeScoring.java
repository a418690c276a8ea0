package io.snmfservice.steering;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the LLM judge over a steering report, as AxBench scores steering: each outcome's generations are rated on
 * concept and fluency (prompt + continuation) and on the continuation's relevance to its prompt (the instruction),
 * and the three ratings are combined by their harmonic mean. Separate from {@link SteeringRunner} because the judge is optional and slow, and its
 * failures must not touch the offline results.
 */
public final class JudgeScoring {

  private JudgeScoring() {}

  /**
   * @param concept see {@link JudgeClient#concept}
   * @return one summary per outcome, aligned with {@code report.outcomes()}; null where an outcome has no
   *     generations (target not reached)
   */
  public static List<JudgeSummary> score(JudgeClient judge, String concept, SteeringReport report,
      SteeringProgress progress) {
    List<JudgeSummary> out = new ArrayList<>();
    int done = 0;
    for (SteeringOutcome outcome : report.outcomes()) {
      if (outcome.generations().isEmpty()) {
        out.add(null);
      } else {
        List<String> prompts = new ArrayList<>();
        List<String> continuations = new ArrayList<>();
        for (Generation g : outcome.generations()) {
          prompts.add(report.prompts().get(g.promptIndex()));
          continuations.add(g.text());
        }
        out.add(judge.rateAll(concept, prompts, continuations));
      }
      progress.step("judge", ++done, report.outcomes().size());
    }
    return out;
  }
}
