package io.snmfservice.snmf;

import java.util.SplittableRandom;

/**
 * Synthetic activations with known features: A = D·C + noise, D (d×m) sparse mixed-sign unit
 * directions, C (m×n) sparse non-negative coefficients, noise Gaussian with standard deviation
 * noiseLevel × the RMS of D·C.
 */
public final class PlantedFeatures {

  public final int d;
  public final int n;
  public final double[][] directions; // [feature][dim], unit norm
  public final float[] columnMajor; // A, d×n

  private PlantedFeatures(int d, int n, double[][] directions, float[] columnMajor) {
    this.d = d;
    this.n = n;
    this.directions = directions;
    this.columnMajor = columnMajor;
  }

  public static double[] sparseDirection(SplittableRandom r, int d, int nonZeros) {
    double[] v = new double[d];
    int placed = 0;
    while (placed < nonZeros) {
      int i = r.nextInt(d);
      if (v[i] == 0) {
        double x = r.nextGaussian();
        v[i] = x + Math.signum(x) * 0.5; // keep entries away from zero so the support is clear
        placed++;
      }
    }
    return normalize(v);
  }

  static double[] normalize(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    double norm = Math.sqrt(s);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / norm;
    }
    return out;
  }

  /** Each token uses each feature with probability activeProbability, weight U(0.5, 1.5). */
  public static PlantedFeatures generate(double[][] directions, int n, double activeProbability, double noiseLevel,
      long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int d = directions[0].length;
    double[] clean = new double[d * n];
    for (int t = 0; t < n; t++) {
      boolean any = false;
      for (int f = 0; f < directions.length; f++) {
        if (r.nextDouble() < activeProbability) {
          any = true;
          addScaled(clean, t * d, directions[f], 0.5 + r.nextDouble());
        }
      }
      if (!any) {
        addScaled(clean, t * d, directions[r.nextInt(directions.length)], 0.5 + r.nextDouble());
      }
    }
    double ss = 0;
    for (double x : clean) {
      ss += x * x;
    }
    double sigma = noiseLevel * Math.sqrt(ss / clean.length);
    float[] a = new float[clean.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (clean[i] + sigma * r.nextGaussian());
    }
    return new PlantedFeatures(d, n, directions, a);
  }

  private static void addScaled(double[] target, int offset, double[] v, double w) {
    for (int i = 0; i < v.length; i++) {
      target[offset + i] += w * v[i];
    }
  }

  public ActivationSource source() {
    return ActivationSource.ofColumnMajor(columnMajor, d, n);
  }

  /** |cos| between two vectors. */
  static double absCosine(double[] x, double[] y) {
    double xy = 0;
    double xx = 0;
    double yy = 0;
    for (int i = 0; i < x.length; i++) {
      xy += x[i] * y[i];
      xx += x[i] * x[i];
      yy += y[i] * y[i];
    }
    return xx == 0 || yy == 0 ? 0 : Math.abs(xy) / Math.sqrt(xx * yy);
  }

  /** Mean over true directions of the best |cos| with any found feature. */
  double meanBestAbsCosine(SnmfResult r) {
    double total = 0;
    for (double[] truth : directions) {
      double best = 0;
      for (int j = 0; j < r.k(); j++) {
        best = Math.max(best, absCosine(truth, r.feature(j)));
      }
      total += best;
    }
    return total / directions.length;
  }
}
