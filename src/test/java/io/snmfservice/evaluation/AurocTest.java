package io.snmfservice.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AurocTest {

  /** P(positive > negative) + ½ P(tie), by counting every pair. */
  private static double pairwise(double[] pos, double[] neg) {
    double wins = 0;
    for (double p : pos) {
      for (double n : neg) {
        wins += p > n ? 1 : p == n ? 0.5 : 0;
      }
    }
    return wins / (pos.length * neg.length);
  }

  @Test
  void equalsThePairwiseWinRateWithTiesCountingHalf() {
    Random random = new Random(11);
    double[] pos = new double[37];
    double[] neg = new double[53];
    for (int i = 0; i < pos.length; i++) {
      pos[i] = random.nextInt(8) + 1;
    }
    for (int i = 0; i < neg.length; i++) {
      neg[i] = random.nextInt(8);
    }
    assertThat(Auroc.of(pos, neg)).isCloseTo(pairwise(pos, neg), within(1e-12));
  }

  @Test
  void isOneForPerfectSeparationZeroReversedAndHalfForAllTied() {
    assertThat(Auroc.of(new double[] {3, 4}, new double[] {1, 2})).isEqualTo(1.0);
    assertThat(Auroc.of(new double[] {1, 2}, new double[] {3, 4})).isEqualTo(0.0);
    assertThat(Auroc.of(new double[] {5, 5}, new double[] {5, 5, 5})).isEqualTo(0.5);
  }

  @Test
  void bestThresholdAccuracyMatchesABruteForceScan() {
    double[] pos = {0.9, 0.8, 0.3, 0.7};
    double[] neg = {0.1, 0.4, 0.35, 0.2, 0.75};
    double[] best = ConceptDetection.bestThreshold(pos, neg);
    // θ = 0.7: positives 0.9 0.8 0.7 right, 0.3 wrong; negatives all right but 0.75 → 7 of 9
    assertThat(best[1]).isCloseTo(7.0 / 9, within(1e-12));
    assertThat(best[0]).isEqualTo(0.7);
  }
}
