package io.snmfservice.steering;

import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.SamplingConfig;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The paper's steering protocol for one vector (docs/architecture.md, "Steering and KL calibration"): for each
 * sign and KL target, calibrate α
 * ({@link AlphaSearch}), record the top logit shifts ({@link LogitShift}), sample generations
 * ({@link SteeredGeneration}) and score them offline ({@link OfflineScores}). Plain Java; the caller owns the model
 * and tokenizer.
 */
public final class SteeringRunner {

  private final HookedTransformer model;
  private final TextTokenizer tokenizer;

  public SteeringRunner(HookedTransformer model, TextTokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** Runs the full protocol; {@code progress} is called after every (sign, target). */
  public SteeringReport run(SteeringVector vector, List<String> prompts, SteeringSettings settings,
      SteeringProgress progress) {
    List<int[]> promptIds = BasePrompts.encode(tokenizer, model.config().bosId(), prompts);
    SteeringProbe probe = new SteeringProbe(model, vector, promptIds);
    AlphaSearch search = new AlphaSearch(settings.alpha());
    GenerationSettings generation = settings.generation();

    List<List<int[]>> unsteered = new ArrayList<>();
    for (int[] prompt : promptIds) {
      unsteered.add(Arrays.asList(SteeredGeneration.sample(model, prompt, null, 0, generation)));
    }
    int total = settings.signs().size() * settings.targets().size();
    int done = 0;
    List<SteeringOutcome> outcomes = new ArrayList<>();
    for (SteeringSign sign : settings.signs()) {
      float[] direction = vector.signed(sign);
      int[] projectionTokens = OutputCentricScore.topProjectionTokens(model, vector.layer(), vector.hook(), direction,
          settings.outputCentricTokens());
      ContinuationReading unsteeredReading = readAll(vector.hookName(), direction, promptIds, unsteered);
      for (AlphaResult alpha : search.search(probe, sign, settings.targets())) {
        double signedAlpha = sign.factor() * alpha.alpha();
        float[][] steered = probe.steeredLogits(signedAlpha);
        LogitShift.Shifts shifts = LogitShift.topShifts(probe.baseLogits(), steered, settings.topShifts(),
            tokenizer::tokenText);
        List<Generation> generations = List.of();
        OfflineScores scores = null;
        if (alpha.reached()) {
          List<List<int[]>> samples = new ArrayList<>();
          for (int[] prompt : promptIds) {
            samples.add(Arrays.asList(SteeredGeneration.sample(model, prompt, vector, signedAlpha, generation)));
          }
          generations = toGenerations(samples, generation.seed());
          ContinuationReading reading = readAll(vector.hookName(), direction, promptIds, samples);
          scores = new OfflineScores(
              OutputCentricScore.score(probe.baseLogits(), steered, projectionTokens),
              reading.perplexity(), unsteeredReading.perplexity(),
              reading.reactivation(), unsteeredReading.reactivation(),
              reading.reactivationCosine(), unsteeredReading.reactivationCosine());
        }
        outcomes.add(new SteeringOutcome(sign, alpha, shifts, generations, scores));
        progress.step("steer", ++done, total);
      }
    }
    return new SteeringReport(vector.layer(), List.copyOf(prompts), toGenerations(unsteered, generation.seed()),
        List.copyOf(outcomes));
  }

  /**
   * One bounded, synchronous steering call (for interactive use): the KL at the prompt's last token, the top
   * shifts and one seeded continuation at a given signed α.
   */
  public SingleSteer steerOnce(SteeringVector vector, String prompt, double signedAlpha, int newTokens,
      SamplingConfig sampling, long seed, int topShifts) {
    int[] ids = BasePrompts.encode(tokenizer, model.config().bosId(), List.of(prompt)).get(0);
    SteeringProbe probe = new SteeringProbe(model, vector, List.of(ids));
    float[][] steered = probe.steeredLogits(signedAlpha);
    GenerationSettings one = new GenerationSettings(1, newTokens, sampling, seed);
    int[] tokens = SteeredGeneration.sample(model, ids, vector, signedAlpha, one)[0];
    return new SingleSteer(signedAlpha, probe.meanKl(signedAlpha),
        LogitShift.topShifts(probe.baseLogits(), steered, topShifts, tokenizer::tokenText), tokens,
        tokenizer.decode(tokens));
  }

  /** Result of {@link #steerOnce}. */
  public record SingleSteer(double signedAlpha, double kl, LogitShift.Shifts shifts, int[] tokens, String text) {}

  private ContinuationReading readAll(String hook, float[] direction, List<int[]> prompts, List<List<int[]>> samples) {
    List<ContinuationReading> readings = new ArrayList<>();
    for (int p = 0; p < prompts.size(); p++) {
      readings.add(ContinuationReading.read(model, hook, direction, prompts.get(p), samples.get(p)));
    }
    return ContinuationReading.pool(readings);
  }

  private List<Generation> toGenerations(List<List<int[]>> samples, long seed) {
    List<Generation> out = new ArrayList<>();
    for (int p = 0; p < samples.size(); p++) {
      for (int i = 0; i < samples.get(p).size(); i++) {
        int[] tokens = samples.get(p).get(i);
        out.add(new Generation(p, i, seed + i, tokens, tokenizer.decode(tokens)));
      }
    }
    return List.copyOf(out);
  }
}
