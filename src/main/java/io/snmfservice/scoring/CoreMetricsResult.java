package io.snmfservice.scoring;

import java.util.List;

/**
 * Core metrics of one dictionary on one set of sequences (docs/metrics.md). Cross-entropies are per-token means in
 * nats over the predicted tokens; KLs are KL(P_clean ‖ P_other) per predicted token.
 *
 * @param predictions tokens predicted (each sequence's tokens 1..T)
 * @param activations activations scored and replaced (positions from {@code fromPosition} on)
 * @param latents the dictionary's K
 * @param ceLossRecoveredVsZero (CE_zero − CE_spliced) / (CE_zero − CE_clean)
 * @param ceLossRecoveredVsMean (CE_mean − CE_spliced) / (CE_mean − CE_clean)
 * @param explainedVariance 1 − Σ‖x − x̂‖² / Σ‖x − μ‖²
 * @param mse Σ‖x − x̂‖² / activations (summed over the d dimensions)
 * @param l0 mean number of firing latents per activation
 * @param dead latents that fire on no activation
 * @param dense latents that fire on more than {@code denseThreshold} of the activations
 * @param overOnePercent latents that fire on more than 1 % of the activations
 * @param sequences per sequence, the summed CE of each pass
 * @param extras the further reconstruction, shrinkage and density statistics SAEBench reports
 */
public record CoreMetricsResult(long predictions, long activations, int latents, double ceClean, double ceSpliced,
    double ceZero, double ceMean, double ceLossRecoveredVsZero, double ceLossRecoveredVsMean, double klSpliced,
    double klZero, double klMean, double explainedVariance, double mse, double l0, DensityHistogram density, int dead,
    int dense, int overOnePercent, double denseThreshold, List<SequenceLoss> sequences, Extras extras) {

  /** Summed next-token CE (nats) of one sequence under each pass. */
  public record SequenceLoss(double clean, double spliced, double zero, double mean) {}

  /**
   * Means over the scored activations, as SAEBench's core eval defines them (docs/metrics.md).
   *
   * @param cosine mean cos(x, x̂) (0 where either is the zero vector)
   * @param l2NormIn mean ‖x‖
   * @param l2NormOut mean ‖x̂‖
   * @param l2Ratio mean ‖x̂‖ / ‖x‖ (‖x‖ below 10⁻⁴ counts as 1)
   * @param relativeReconstructionBias Σ‖x̂‖² / Σ x·x̂ (1 when x̂ is not shrunk or inflated along x)
   * @param l1 mean sum of the latents in units of the reconstruction
   * @param explainedVarianceLegacy mean over activations of 1 − ‖x − x̂‖² / ‖x − μ‖²
   * @param overTenPercent latents that fire on more than 10 % of the activations
   * @param normalizedFrequencyOverOnePercent the share of all firings made by latents above 1 %
   * @param normalizedFrequencyOverTenPercent the share of all firings made by latents above 10 %
   */
  public record Extras(double cosine, double l2NormIn, double l2NormOut, double l2Ratio,
      double relativeReconstructionBias, double l1, double explainedVarianceLegacy, int overTenPercent,
      double normalizedFrequencyOverOnePercent, double normalizedFrequencyOverTenPercent) {}

  /** SAEBench's kl_div_score: (KL_zero − KL_spliced) / KL_zero. */
  public double klScore() {
    return (klZero - klSpliced) / klZero;
  }
}
