package io.snmfservice.steering;

/**
 * Causal scores of one (feature, KL target, sign) that need no outside service. Steered text is compared with
 * unsteered text sampled with the same seeds.
 *
 * @param outputCentric {@link OutputCentricScore} (nats; higher = the feature's projection tokens rose more)
 * @param steeredPerplexity the unsteered model's perplexity of the steered generations ({@link ContinuationReading})
 * @param unsteeredPerplexity the same for the unsteered generations (reference level)
 * @param steeredReactivation mean relu(s·z · hook_post) over the steered generations' tokens (unsteered pass)
 * @param unsteeredReactivation the same over the unsteered generations
 * @param steeredReactivationCosine mean cos(s·z, hook_post) over the steered generations' tokens
 * @param unsteeredReactivationCosine the same over the unsteered generations
 */
public record OfflineScores(
    double outputCentric,
    double steeredPerplexity,
    double unsteeredPerplexity,
    double steeredReactivation,
    double unsteeredReactivation,
    double steeredReactivationCosine,
    double unsteeredReactivationCosine) {

  /** Name to store with the scores, so that later definitions can live beside these. */
  public static final String METHOD = "offline-v1";
}
