package io.snmfservice.steering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KlDivergenceTest {

  @Test
  void matchesPlainSoftmaxKlInTheSteeredFromBaseDirection() {
    Random random = new Random(3);
    float[] steered = new float[300];
    float[] base = new float[300];
    for (int i = 0; i < base.length; i++) {
      base[i] = (float) (3 * random.nextGaussian());
      steered[i] = base[i] + (float) random.nextGaussian();
    }
    double expected = NaiveDistributions.kl(NaiveDistributions.softmax(steered), NaiveDistributions.softmax(base));
    double reversed = NaiveDistributions.kl(NaiveDistributions.softmax(base), NaiveDistributions.softmax(steered));
    assertThat(KlDivergence.steeredFromBase(steered, base)).isCloseTo(expected, within(1e-12));
    assertThat(Math.abs(expected - reversed)).as("the direction matters for this pair").isGreaterThan(1e-3);
  }

  @Test
  void isZeroForShiftedLogitsAndStableForHugeOnes() {
    float[] base = {1000f, 999f, 990f};
    float[] shifted = {1005f, 1004f, 995f};
    assertThat(KlDivergence.steeredFromBase(shifted, base)).isEqualTo(0.0, within(1e-12));
    assertThat(KlDivergence.steeredFromBase(new float[] {0f, 0f}, new float[] {0f, (float) Math.log(3)}))
        .isCloseTo(0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75), within(1e-7));
  }
}
