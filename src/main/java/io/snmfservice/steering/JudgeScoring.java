package io.snmfservice.steering;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the LLM judge over a steering report: each outcome's generations are rated as prompt + continuation
 * against one concept. Separate from {@link SteeringRunner} because the judge is optional and slow, and its
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
        List<String> texts = new ArrayList<>();
        for (Generation g : outcome.generations()) {
          texts.add(report.prompts().get(g.promptIndex()) + g.text());
        }
        out.add(judge.rateAll(concept, texts));
      }
      progress.step("judge", ++done, report.outcomes().size());
    }
    return out;
  }
}
