package io.snmfservice.snmf;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.SlowTest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Acceptance 5: a planted two-level structure (8 parents × 4 children) is recovered. */
@SlowTest
class HierarchicalSnmfTest {

  private static int bestMatch(double[] v, double[][] candidates) {
    int best = 0;
    for (int i = 1; i < candidates.length; i++) {
      if (PlantedFeatures.absCosine(v, candidates[i]) > PlantedFeatures.absCosine(v, candidates[best])) {
        best = i;
      }
    }
    return best;
  }

  private double[][] parents;
  private double[][] children;

  private PlantedFeatures plantTwoLevels() {
    SplittableRandom r = new SplittableRandom(17);
    int d = 256;
    double[][] parents = new double[8][];
    double[][] children = new double[32][];
    for (int p = 0; p < 8; p++) {
      parents[p] = PlantedFeatures.sparseDirection(r, d, 16);
      for (int c = 0; c < 4; c++) {
        double[] own = PlantedFeatures.sparseDirection(r, d, 8);
        double[] child = new double[d];
        for (int i = 0; i < d; i++) {
          child[i] = parents[p][i] + 0.6 * own[i];
        }
        children[p * 4 + c] = PlantedFeatures.normalize(child);
      }
    }
    this.parents = parents;
    this.children = children;
    return PlantedFeatures.generate(children, 8000, 2.0 / 32, 0.01, 23);
  }

  private static final SnmfConfig CFG = SnmfConfig.of(32).withSparsity(0.1).withSeed(3).withMaxIterations(150)
      .withPatience(20);

  @Test
  void eachChildLinksMostStronglyToItsOwnParent() {
    PlantedFeatures data = plantTwoLevels();
    try (HierarchyResult h = new HierarchicalSnmf().factorize(data.source(), new int[] {32, 8}, CFG,
        SnmfProgressListener.NONE, CancellationSignal.NEVER)) {
      assertThat(h.fineTuneMse()).isEmpty();
      assertRecovered(h);
    }
  }

  @Test
  void jointFineTuneLowersTheErrorAndKeepsLinksNonNegativeAndCorrect() {
    PlantedFeatures data = plantTwoLevels();
    try (HierarchyResult h = new HierarchicalSnmf().factorize(data.source(), new int[] {32, 8}, CFG,
        new FineTune(80, 1e-3), SnmfProgressListener.NONE, CancellationSignal.NEVER)) {
      double[] mse = h.fineTuneMse();
      System.out.printf("fine-tune mse %.6e -> %.6e%n", mse[0], mse[mse.length - 1]);
      assertThat(mse).hasSize(80);
      assertThat(mse[mse.length - 1]).isLessThan(mse[0]);
      for (double[] row : h.tokens().g().toArray()) {
        for (double v : row) {
          assertThat(v).isGreaterThanOrEqualTo(0);
        }
      }
      assertRecovered(h);
    }
  }

  private void assertRecovered(HierarchyResult h) {
    {
      HierarchyLevel fine = h.levels().get(0);
      HierarchyLevel coarse = h.levels().get(1);
      assertThat(h.links()).hasSize(1);
      assertThat(h.links().get(0)).hasNumberOfRows(32);
      // which true parent each coarse feature is
      int[] parentOfCoarse = new int[8];
      for (int q = 0; q < 8; q++) {
        parentOfCoarse[q] = bestMatch(coarse.feature(q), parents);
      }
      double[][] found = new double[32][];
      for (int j = 0; j < 32; j++) {
        found[j] = fine.feature(j);
      }
      int[] strongest = h.strongestParents(0);
      int correct = 0;
      double cosSum = 0;
      for (int c = 0; c < 32; c++) {
        int j = bestMatch(children[c], found);
        cosSum += PlantedFeatures.absCosine(children[c], found[j]);
        if (parentOfCoarse[strongest[j]] == c / 4) {
          correct++;
        }
      }
      System.out.printf("hierarchy: %d/32 children link to their parent; fine mean |cos| %.3f; errors %.3f %.3f%n",
          correct, cosSum / 32, fine.relativeError(), coarse.relativeError());
      assertThat(correct).isGreaterThanOrEqualTo(29); // ≥ 90% of 32
      for (double[] row : h.links().get(0)) {
        for (double v : row) {
          assertThat(v).isGreaterThanOrEqualTo(0);
        }
      }
    }
  }
}
