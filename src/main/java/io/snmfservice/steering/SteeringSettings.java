package io.snmfservice.steering;

import io.snmfservice.transformer.SamplingConfig;
import java.util.List;

/**
 * Everything a steering run needs besides the model, the vector and the prompts.
 *
 * @param targets KL targets (each &gt; 0)
 * @param signs directions to steer
 * @param alpha search range, tolerance and effort
 * @param topShifts N of the rising/falling token lists
 * @param generation samples per prompt and sampling
 * @param outputCentricTokens k of the output-centric score
 */
public record SteeringSettings(List<Double> targets, List<SteeringSign> signs, AlphaSearch.Settings alpha,
    int topShifts, GenerationSettings generation, int outputCentricTokens) {

  public SteeringSettings {
    targets = List.copyOf(targets);
    signs = List.copyOf(signs);
    if (targets.isEmpty() || signs.isEmpty()) {
      throw new IllegalArgumentException("need at least one KL target and one sign");
    }
    for (double t : targets) {
      if (!(t > 0) || Double.isInfinite(t)) {
        throw new IllegalArgumentException("KL targets must be finite and > 0, got " + t);
      }
    }
    if (topShifts < 1 || outputCentricTokens < 1) {
      throw new IllegalArgumentException("topShifts and outputCentricTokens must be ≥ 1");
    }
  }

  /** The paper's protocol: 7 targets, both signs, α ∈ [1, 2000] ±5 %, top-50 shifts, 8 × 50 tokens, k = 20. */
  public static SteeringSettings defaults() {
    return new SteeringSettings(AlphaSearch.DEFAULT_TARGETS, List.of(SteeringSign.POSITIVE, SteeringSign.NEGATIVE),
        AlphaSearch.Settings.defaults(), LogitShift.DEFAULT_TOP, GenerationSettings.defaults(),
        OutputCentricScore.DEFAULT_TOP_TOKENS);
  }

  /**
   * The settings a steering request spells out field by field ("+"/"-" signs, α range, sampling), the rest the
   * protocol's defaults; the steering and comparison jobs build theirs this way.
   */
  public static SteeringSettings of(List<Double> targets, List<String> signs, List<Double> alphaRange,
      double tolerance, int generations, int newTokens, double temperature, int topK, double topP, long seed) {
    AlphaSearch.Settings search = AlphaSearch.Settings.defaults();
    AlphaSearch.Settings alpha = new AlphaSearch.Settings(alphaRange.get(0), alphaRange.get(1), tolerance,
        search.scanPoints(), search.maxBisections());
    GenerationSettings generation = new GenerationSettings(generations, newTokens,
        SamplingConfig.sample((float) temperature, topK, (float) topP), seed);
    SteeringSettings base = defaults();
    return new SteeringSettings(targets,
        signs.stream().map(s -> s.equals("+") ? SteeringSign.POSITIVE : SteeringSign.NEGATIVE).toList(), alpha,
        base.topShifts(), generation, base.outputCentricTokens());
  }

  public SteeringSettings withTargets(List<Double> newTargets) {
    return new SteeringSettings(newTargets, signs, alpha, topShifts, generation, outputCentricTokens);
  }

  public SteeringSettings withSigns(List<SteeringSign> newSigns) {
    return new SteeringSettings(targets, newSigns, alpha, topShifts, generation, outputCentricTokens);
  }

  public SteeringSettings withGeneration(GenerationSettings newGeneration) {
    return new SteeringSettings(targets, signs, alpha, topShifts, newGeneration, outputCentricTokens);
  }

  public SteeringSettings withAlpha(AlphaSearch.Settings newAlpha) {
    return new SteeringSettings(targets, signs, newAlpha, topShifts, generation, outputCentricTokens);
  }
}
