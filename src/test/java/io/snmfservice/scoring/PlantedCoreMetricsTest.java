package io.snmfservice.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.snmfservice.snmf.Nd4jTensorOps;
import io.snmfservice.snmf.SnmfEncoder;
import io.snmfservice.snmf.SnmfPrecision;
import io.snmfservice.snmf.TensorOps;
import io.snmfservice.support.TestDevice;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.Reference;
import io.snmfservice.transformer.loader.TransformerLoader;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Core metrics on the real fortunes GPT-2 with dictionaries whose reconstructions are known: exact (x̂ = x), zero
 * (x̂ = 0), an SNMF level F = [I, −I] that reconstructs every activation exactly with g ≥ 0, and a planted firing
 * pattern for L0, density and dead/dense counts.
 */
class PlantedCoreMetricsTest {

  private static final HookPoint HOOK = HookPoint.parse("blocks.1.hook_resid_post");
  private static final List<int[]> SEQUENCES = List.of(
      FortunesSaeCoreMetricsTest.bytesAfterBos("A friend in need is a friend indeed."),
      FortunesSaeCoreMetricsTest.bytesAfterBos("Wer rastet, der rostet."),
      FortunesSaeCoreMetricsTest.bytesAfterBos("Chi dorme non piglia pesci."));
  private static final int SCORED = 36 + 23 + 27;

  private static HookedTransformer model;

  @BeforeAll
  static void load() {
    model = TransformerLoader.load(Reference.shared("models", "fortunes-byte-gpt2"), TestDevice.get());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void anExactReconstructionRecoversAllTheLossWithNoKl() {
    CoreMetricsResult r = score(new Planted(128, 4, Planted.Output.EXACT));
    assertThat(r.predictions()).isEqualTo(SCORED);
    assertThat(r.explainedVariance()).isEqualTo(1.0);
    assertThat(r.ceSpliced()).isCloseTo(r.ceClean(), within(1e-6));
    assertThat(r.ceLossRecoveredVsZero()).isCloseTo(1.0, within(1e-6));
    assertThat(r.ceLossRecoveredVsMean()).isCloseTo(1.0, within(1e-6));
    assertThat(r.klSpliced()).isCloseTo(0.0, within(1e-9));
    assertThat(r.klScore()).isCloseTo(1.0, within(1e-6));
    assertThat(r.ceZero()).isGreaterThan(r.ceMean()).isGreaterThan(r.ceClean());
  }

  @Test
  void shrinkageAndCosineOfAnExactAndAHalvedReconstruction() {
    CoreMetricsResult exact = score(new Planted(128, 4, Planted.Output.EXACT));
    CoreMetricsResult.Extras e = exact.extras();
    assertThat(e.cosine()).isCloseTo(1.0, within(1e-12));
    assertThat(e.l2Ratio()).isCloseTo(1.0, within(1e-12));
    assertThat(e.relativeReconstructionBias()).isCloseTo(1.0, within(1e-12));
    assertThat(e.explainedVarianceLegacy()).isEqualTo(1.0);

    Planted halved = new Planted(128, 4, Planted.Output.HALF);
    CoreMetricsResult.Extras h = score(halved).extras();
    // x̂ = x/2: same direction, half the length, so every ratio is 1/2 and the cosine 1
    assertThat(h.cosine()).isCloseTo(1.0, within(1e-6));
    assertThat(h.l2Ratio()).isCloseTo(0.5, within(1e-7));
    assertThat(h.relativeReconstructionBias()).isCloseTo(0.5, within(1e-7));
    assertThat(h.l2NormIn()).isCloseTo(halved.meanNorm(), within(1e-9 * halved.meanNorm()));
    assertThat(h.l2NormOut()).isCloseTo(halved.meanNorm() / 2, within(1e-6 * halved.meanNorm()));
    assertThat(h.explainedVarianceLegacy()).isCloseTo(halved.explainedVarianceLegacy(), within(1e-9));
    assertThat(e.l2NormIn()).isCloseTo(h.l2NormIn(), within(1e-9 * h.l2NormIn()));
  }

  @Test
  void aZeroReconstructionIsTheZeroAblation() {
    CoreMetricsResult r = score(new Planted(128, 4, Planted.Output.ZERO));
    assertThat(r.ceSpliced()).isCloseTo(r.ceZero(), within(1e-9));
    assertThat(r.ceLossRecoveredVsZero()).isCloseTo(0.0, within(1e-9));
    assertThat(r.klSpliced()).isCloseTo(r.klZero(), within(1e-9));
    // Σ‖x − 0‖² ≥ Σ‖x − μ‖², so EV ≤ 0
    assertThat(r.explainedVariance()).isLessThanOrEqualTo(0.0);
  }

  @Test
  void firingCountsGiveL0DensityDeadAndDense() {
    // latent 0 fires on every activation, 1 on none, 2 on every third, 3 on the first only
    CoreMetricsResult r = score(new Planted(128, 4, Planted.Output.EXACT));
    int thirds = (SCORED + 2) / 3;
    assertThat(r.l0()).isCloseTo((SCORED + thirds + 1) / (double) SCORED, within(1e-12));
    assertThat(r.dead()).isEqualTo(1);
    assertThat(r.dense()).isEqualTo(2); // frequencies 1 and 1/3 exceed 10 %; 1/86 does not
    assertThat(r.overOnePercent()).isEqualTo(3);
    assertThat(r.density().dead()).isEqualTo(1);
    assertThat(r.density().bins()).hasSize(12);
    // log10(1/86) = −1.93 → [−2, −1.5); log10(1/3) = −0.48 and log10(1) = 0 → [−0.5, 0]
    assertThat(r.density().bins().get(8).count()).isEqualTo(1);
    assertThat(r.density().bins().get(11).count()).isEqualTo(2);
    // the planted l1 is 2 per firing latent; SAEBench's density shares over 1 % and 10 %
    CoreMetricsResult.Extras e = r.extras();
    assertThat(e.l1()).isCloseTo(2 * r.l0(), within(1e-12));
    assertThat(e.overTenPercent()).isEqualTo(2);
    double total = 1 + thirds / (double) SCORED + 1.0 / SCORED;
    assertThat(e.normalizedFrequencyOverOnePercent()).isCloseTo(1.0, within(1e-12));
    assertThat(e.normalizedFrequencyOverTenPercent()).isCloseTo((1 + thirds / (double) SCORED) / total,
        within(1e-12));
  }

  @Test
  void anSnmfLevelThatSpansTheSpaceReconstructsExactlyWithNonnegativeCodes() {
    int d = 128;
    float[][] features = new float[2 * d][d];
    for (int i = 0; i < d; i++) {
      features[i][i] = 1;
      features[d + i][i] = -1;
    }
    try (TensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT64)) {
      SnmfDictionary level = new SnmfDictionary(ops, features, SnmfEncoder.Settings.defaults(),
          SnmfDictionary.DEFAULT_FIRING_THRESHOLD);
      CoreMetricsResult r = score(level);
      assertThat(level.unconvergedBatches()).isZero();
      assertThat(r.explainedVariance()).isCloseTo(1.0, within(1e-6));
      assertThat(r.ceLossRecoveredVsZero()).isCloseTo(1.0, within(1e-3));
      assertThat(r.ceLossRecoveredVsMean()).isCloseTo(1.0, within(1e-3));
      assertThat(r.klSpliced()).isLessThan(1e-5);
    }
  }

  private static CoreMetricsResult score(Dictionary dictionary) {
    return CoreMetrics.compute(model, HOOK, dictionary, SEQUENCES, CoreMetrics.Options.afterBos(), fraction -> {});
  }

  /**
   * A dictionary with a fixed output and a planted firing pattern over the activations in order; it keeps what it
   * was given, so a test can compute a metric from the activations on its own.
   */
  private static final class Planted implements Dictionary {

    enum Output { EXACT, HALF, ZERO }

    private final List<float[]> inputs = new java.util.ArrayList<>();

    private final int width;
    private final int latents;
    private final Output output;
    private int seen;

    Planted(int width, int latents, Output output) {
      this.width = width;
      this.latents = latents;
      this.output = output;
    }

    @Override
    public int inputWidth() {
      return width;
    }

    @Override
    public int latents() {
      return latents;
    }

    @Override
    public Encoding encode(float[][] activations) {
      float[][] out = new float[activations.length][];
      boolean[][] firing = new boolean[activations.length][latents];
      double[] l1 = new double[activations.length];
      for (int i = 0; i < activations.length; i++) {
        inputs.add(activations[i].clone());
        out[i] = new float[width];
        for (int j = 0; j < width && output != Output.ZERO; j++) {
          out[i][j] = output == Output.EXACT ? activations[i][j] : activations[i][j] / 2;
        }
        firing[i][0] = true;
        firing[i][2] = seen % 3 == 0;
        firing[i][3] = seen == 0;
        for (boolean on : firing[i]) {
          l1[i] += on ? 2 : 0;
        }
        seen++;
      }
      return new Encoding(out, firing, l1);
    }

    /** Mean ‖x‖ over the activations it encoded. */
    double meanNorm() {
      return inputs.stream().mapToDouble(x -> Math.sqrt(dot(x, x, null))).average().orElseThrow();
    }

    /** Mean over activations of 1 − ‖x − x̂‖² / ‖x − μ‖², μ their mean (valid for the halved output). */
    double explainedVarianceLegacy() {
      double[] mean = new double[width];
      for (float[] x : inputs) {
        for (int j = 0; j < width; j++) {
          mean[j] += x[j] / (double) inputs.size();
        }
      }
      double sum = 0;
      for (float[] x : inputs) {
        double deviation = dot(x, x, mean);
        sum += 1 - 0.25 * dot(x, x, null) / deviation;
      }
      return sum / inputs.size();
    }

    /** Σ (a − m)(b − m), m = 0 when null. */
    private static double dot(float[] a, float[] b, double[] m) {
      double sum = 0;
      for (int j = 0; j < a.length; j++) {
        double shift = m == null ? 0 : m[j];
        sum += (a[j] - shift) * (b[j] - shift);
      }
      return sum;
    }
  }
}
