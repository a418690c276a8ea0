package io.snmfservice.scoring;

import io.snmfservice.snmf.SnmfEncoder;
import io.snmfservice.snmf.TensorOps;

/**
 * One level of an SNMF factorization as a dictionary (docs/metrics.md, "The SNMF encoder"): activations x are
 * encoded by {@link SnmfEncoder} with the level's features F fixed (g ≥ 0), reconstructed as x̂ = F g, and latent k
 * fires on x when its part of the reconstruction is visible: {@code g_k·‖f_k‖ > threshold·‖x‖}. The multiplicative
 * update only approaches 0, so "g_k &gt; 0" would count every latent; the relative rule is scale-free and per token.
 * For the same reason l1 counts latent k as g_k·‖f_k‖, the length of its part of the reconstruction, which does not
 * depend on how F's columns are scaled. SNMF has no encoder weights.
 *
 * @param features K rows of width d: the level's feature directions f_k as stored (F's columns)
 * @param firingThreshold the share of ‖x‖ above which a latent counts as firing (default 0.01)
 */
public final class SnmfDictionary implements Dictionary {

  /** Default share of ‖x‖ a latent's contribution must exceed to count as firing. */
  public static final double DEFAULT_FIRING_THRESHOLD = 0.01;

  private final TensorOps ops;
  private final float[][] features;
  private final double[] columnMajor;
  private final double[] norms;
  private final int d;
  private final int k;
  private final SnmfEncoder.Settings settings;
  private final double firingThreshold;
  private int worstIterations;
  private int unconverged;

  public SnmfDictionary(TensorOps ops, float[][] features, SnmfEncoder.Settings settings, double firingThreshold) {
    if (features.length == 0) {
      throw new IllegalArgumentException("a dictionary needs at least one feature");
    }
    this.ops = ops;
    this.features = features;
    this.k = features.length;
    this.d = features[0].length;
    this.settings = settings;
    this.firingThreshold = firingThreshold;
    this.columnMajor = new double[d * k];
    this.norms = new double[k];
    for (int j = 0; j < k; j++) {
      if (features[j].length != d) {
        throw new IllegalArgumentException("feature " + j + " has " + features[j].length + " values, not " + d);
      }
      double sum = 0;
      for (int r = 0; r < d; r++) {
        columnMajor[r + j * d] = features[j][r];
        sum += (double) features[j][r] * features[j][r];
      }
      norms[j] = Math.sqrt(sum);
    }
  }

  @Override
  public int inputWidth() {
    return d;
  }

  @Override
  public int latents() {
    return k;
  }

  @Override
  public Encoding encode(float[][] activations) {
    int n = activations.length;
    float[] a = new float[n * d];
    for (int i = 0; i < n; i++) {
      if (activations[i].length != d) {
        throw new IllegalArgumentException("activation has " + activations[i].length + " values, the features " + d);
      }
      System.arraycopy(activations[i], 0, a, i * d, d);
    }
    SnmfEncoder.Result g = SnmfEncoder.encode(ops, columnMajor, d, k, a, n, settings);
    worstIterations = Math.max(worstIterations, g.iterations());
    unconverged += g.converged() ? 0 : 1;
    float[][] reconstructions = new float[n][];
    boolean[][] firing = new boolean[n][k];
    double[] l1 = new double[n];
    for (int i = 0; i < n; i++) {
      double[] x = new double[d];
      double norm = 0;
      for (int r = 0; r < d; r++) {
        norm += (double) activations[i][r] * activations[i][r];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < k; j++) {
        double gij = g.g()[i * k + j];
        firing[i][j] = gij * norms[j] > firingThreshold * norm;
        l1[i] += gij * norms[j];
        if (gij != 0) {
          for (int r = 0; r < d; r++) {
            x[r] += gij * features[j][r];
          }
        }
      }
      reconstructions[i] = new float[d];
      for (int r = 0; r < d; r++) {
        reconstructions[i][r] = (float) x[r];
      }
    }
    return new Encoding(reconstructions, firing, l1);
  }

  @Override
  public float[][] decoderDirections() {
    return features;
  }

  /** The most G updates one batch needed so far. */
  public int worstIterations() {
    return worstIterations;
  }

  /** Batches whose encoding stopped at the iteration limit before meeting the tolerance. */
  public int unconvergedBatches() {
    return unconverged;
  }
}
