package io.snmfservice.scoring;

/** Running sums of the core metrics, in double, filled batch by batch by {@link CoreMetrics}. */
final class Accumulator {

  private final int latents;
  private final long[] firings;
  private final double[][] perSequence; // [sequence][clean, spliced, zero, mean] summed CE
  private long activations;
  private double squaredError;
  private double squaredDeviation;
  private double cosineSum;
  private double normInSum;
  private double normOutSum;
  private double normRatioSum;
  private double reconstructionSquared;
  private double inputDotReconstruction;
  private double l1Sum;
  private double tokenExplainedVarianceSum;
  private long firingTotal;
  private long predictions;
  private double ceClean;
  private double ceSpliced;
  private double ceZero;
  private double ceMean;
  private double klSpliced;
  private double klZero;
  private double klMean;

  Accumulator(int latents, int sequences) {
    this.latents = latents;
    this.firings = new long[latents];
    this.perSequence = new double[sequences][4];
  }

  /** One scored activation x, its reconstruction x̂, the mean μ, which latents fired and their l1. */
  void addActivation(float[] x, float[] reconstruction, double[] mean, boolean[] firing, double l1) {
    double error2 = 0;
    double deviation2 = 0;
    double in2 = 0;
    double out2 = 0;
    double dot = 0;
    for (int i = 0; i < x.length; i++) {
      double error = (double) x[i] - reconstruction[i];
      double deviation = x[i] - mean[i];
      error2 += error * error;
      deviation2 += deviation * deviation;
      in2 += (double) x[i] * x[i];
      out2 += (double) reconstruction[i] * reconstruction[i];
      dot += (double) x[i] * reconstruction[i];
    }
    squaredError += error2;
    squaredDeviation += deviation2;
    double normIn = Math.sqrt(in2);
    double normOut = Math.sqrt(out2);
    normInSum += normIn;
    normOutSum += normOut;
    normRatioSum += normOut / (normIn < 1e-4 ? 1 : normIn); // SAEBench's guard against a near-zero input
    cosineSum += normIn > 0 && normOut > 0 ? dot / (normIn * normOut) : 0;
    reconstructionSquared += out2;
    inputDotReconstruction += dot;
    l1Sum += l1;
    tokenExplainedVarianceSum += 1 - error2 / deviation2;
    for (int k = 0; k < latents; k++) {
      if (firing[k]) {
        firings[k]++;
        firingTotal++;
      }
    }
    activations++;
  }

  /** One predicted token: its cross-entropy (nats) under each pass and the KLs to the clean distribution. */
  void addPrediction(int sequence, double clean, double spliced, double zero, double mean, double klSpliced,
      double klZero, double klMean) {
    predictions++;
    ceClean += clean;
    ceSpliced += spliced;
    ceZero += zero;
    ceMean += mean;
    this.klSpliced += klSpliced;
    this.klZero += klZero;
    this.klMean += klMean;
    double[] row = perSequence[sequence];
    row[0] += clean;
    row[1] += spliced;
    row[2] += zero;
    row[3] += mean;
  }

  CoreMetricsResult result(double denseThreshold) {
    double n = predictions;
    double clean = ceClean / n;
    double spliced = ceSpliced / n;
    double zero = ceZero / n;
    double mean = ceMean / n;
    double[] frequencies = new double[latents];
    int dead = 0;
    int dense = 0;
    int overOnePercent = 0;
    int overTenPercent = 0;
    double frequencySum = 0;
    double overOnePercentSum = 0;
    double overTenPercentSum = 0;
    for (int k = 0; k < latents; k++) {
      frequencies[k] = firings[k] / (double) activations;
      dead += firings[k] == 0 ? 1 : 0;
      dense += frequencies[k] > denseThreshold ? 1 : 0;
      overOnePercent += frequencies[k] > 0.01 ? 1 : 0;
      overTenPercent += frequencies[k] > 0.1 ? 1 : 0;
      frequencySum += frequencies[k];
      overOnePercentSum += frequencies[k] > 0.01 ? frequencies[k] : 0;
      overTenPercentSum += frequencies[k] > 0.1 ? frequencies[k] : 0;
    }
    java.util.List<CoreMetricsResult.SequenceLoss> sequences = new java.util.ArrayList<>();
    for (double[] row : perSequence) {
      sequences.add(new CoreMetricsResult.SequenceLoss(row[0], row[1], row[2], row[3]));
    }
    return new CoreMetricsResult(predictions, activations, latents, clean, spliced, zero, mean,
        recovered(zero, spliced, clean), recovered(mean, spliced, clean), klSpliced / n, klZero / n, klMean / n,
        1 - squaredError / squaredDeviation, squaredError / activations, firingTotal / (double) activations,
        DensityHistogram.of(frequencies), dead, dense, overOnePercent, denseThreshold, sequences,
        new CoreMetricsResult.Extras(cosineSum / activations, normInSum / activations, normOutSum / activations,
            normRatioSum / activations, reconstructionSquared / inputDotReconstruction, l1Sum / activations,
            tokenExplainedVarianceSum / activations, overTenPercent,
            frequencySum > 0 ? overOnePercentSum / frequencySum : 0,
            frequencySum > 0 ? overTenPercentSum / frequencySum : 0));
  }

  /** (CE_ablation − CE_spliced) / (CE_ablation − CE_clean). */
  private static double recovered(double ablation, double spliced, double clean) {
    return (ablation - spliced) / (ablation - clean);
  }
}
