package io.snmfservice.steering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.TokenBatch;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Offline causal scores and the whole protocol on stories260K, checked against plain recomputations. */
class OfflineScoresTest {

  private static HookedTransformer model;
  private static TextTokenizer tokenizer;
  private static SteeringVector vector;
  private static int[] prompt;

  @BeforeAll
  static void load() {
    model = StoriesModel.load();
    tokenizer = StoriesModel.tokenizer(model);
    vector = StoriesModel.fixtureVector();
    prompt = BasePrompts.encode(tokenizer, model.config().bosId(), List.of(BasePrompts.DEFAULT)).get(0);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void outputCentricScoreIsTheMeanLogProbabilityGainOfTheProjectionTokens() {
    SteeringProbe probe = new SteeringProbe(model, vector, List.of(prompt));
    int[] top = OutputCentricScore.topProjectionTokens(model, vector.layer(), vector.unit(), 5);
    float[] projection = model.projectMlpDirectionToVocab(vector.layer(), vector.unit());
    for (int v = 0; v < projection.length; v++) {
      assertThat(projection[v]).as("no token outside the top 5 beats the 5th").isLessThanOrEqualTo(projection[top[0]]);
    }
    assertThat(projection[top[4]]).isLessThanOrEqualTo(projection[top[3]]);
    double[] base = NaiveDistributions.softmax(probe.baseLogits()[0]);
    double[] steered = NaiveDistributions.softmax(probe.steeredLogits(20)[0]);
    double expected = 0;
    for (int v : top) {
      expected += Math.log(steered[v] / base[v]) / top.length;
    }
    assertThat(OutputCentricScore.score(probe.baseLogits(), probe.steeredLogits(20), top)).isCloseTo(expected, within(1e-9));
  }

  @Test
  void continuationReadingMatchesPerSequencePerplexityAndProjection() {
    GenerationSettings settings = GenerationSettings.defaults().withCount(3).withNewTokens(12).withSeed(7);
    List<int[]> samples = List.of(SteeredGeneration.sample(model, prompt, vector, 30, settings));
    float[] direction = vector.signed(SteeringSign.NEGATIVE);
    ContinuationReading reading = ContinuationReading.read(model, vector.layer(), direction, prompt, samples);

    double nll = 0;
    double relu = 0;
    int n = 0;
    for (int[] sample : samples) {
      int[] full = new int[prompt.length + sample.length];
      System.arraycopy(prompt, 0, full, 0, prompt.length);
      System.arraycopy(sample, 0, full, prompt.length, sample.length);
      ForwardResult single = model.forward(TokenBatch.single(full),
          HookSpec.none().withCapture(HookPoint.mlpPost(vector.layer())));
      for (int j = prompt.length; j < full.length; j++) {
        nll -= Math.log(NaiveDistributions.softmax(single.logits(0, j - 1))[full[j]]);
        float[] a = single.capture(HookPoint.mlpPost(vector.layer()), 0, j);
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
          dot += direction[i] * a[i];
        }
        relu += Math.max(0, dot);
        n++;
      }
    }
    assertThat(reading.tokens()).isEqualTo(36);
    assertThat(reading.perplexity()).isCloseTo(Math.exp(nll / n), within(1e-3 * Math.exp(nll / n)));
    assertThat(reading.reactivation()).isCloseTo(relu / n, within(1e-4));
    assertThat(reading.reactivationCosine()).isBetween(-1.0, 1.0);
  }

  @Test
  void runsTheProtocolWithScoresForReachedTargetsOnly() {
    SteeringSettings settings = SteeringSettings.defaults()
        .withTargets(List.of(0.1, 1e6))
        .withGeneration(GenerationSettings.defaults().withCount(2).withNewTokens(10));
    List<String> steps = new ArrayList<>();
    SteeringReport report = new SteeringRunner(model, tokenizer).run(vector, List.of(BasePrompts.DEFAULT), settings,
        (stage, done, total) -> steps.add(stage + " " + done + "/" + total));

    assertThat(steps).containsExactly("steer 1/4", "steer 2/4", "steer 3/4", "steer 4/4");
    assertThat(report.unsteeredGenerations()).hasSize(2);
    assertThat(report.outcomes()).extracting(SteeringOutcome::sign).containsExactly(
        SteeringSign.POSITIVE, SteeringSign.POSITIVE, SteeringSign.NEGATIVE, SteeringSign.NEGATIVE);
    for (SteeringOutcome outcome : report.outcomes()) {
      assertThat(outcome.shifts().rising()).hasSize(50);
      assertThat(outcome.shifts().rising().get(0).delta()).isGreaterThan(outcome.shifts().falling().get(0).delta());
      if (outcome.alpha().target() == 1e6) {
        assertThat(outcome.alpha().status()).isEqualTo(AlphaResult.Status.UNREACHABLE_TOO_WEAK);
        assertThat(outcome.generations()).isEmpty();
        assertThat(outcome.scores()).isNull();
      } else {
        assertThat(outcome.alpha().reached()).isTrue();
        assertThat(outcome.generations()).hasSize(2);
        assertThat(outcome.generations().get(0).text()).isEqualTo(tokenizer.decode(outcome.generations().get(0).tokens()));
        OfflineScores scores = outcome.scores();
        assertThat(scores.steeredPerplexity()).isGreaterThan(1);
        assertThat(scores.unsteeredPerplexity()).isGreaterThan(1);
        assertThat(scores.steeredReactivation()).isGreaterThanOrEqualTo(0);
      }
    }
    SteeringRunner.SingleSteer once = new SteeringRunner(model, tokenizer).steerOnce(vector, BasePrompts.DEFAULT,
        -report.outcomes().get(2).alpha().alpha(), 10, GenerationSettings.defaults().sampling(), 0, 5);
    assertThat(once.kl()).isCloseTo(report.outcomes().get(2).alpha().kl(), within(1e-9));
    assertThat(once.tokens()).isEqualTo(report.outcomes().get(2).generations().get(0).tokens());
  }
}
