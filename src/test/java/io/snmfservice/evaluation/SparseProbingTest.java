package io.snmfservice.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SparseProbingTest {

  /** Sentences of 3–6 tokens; concept sentences (the first half) carry +1.5 on dimension 5 in every token. */
  private static List<float[][]> sentences(int count, int d, long seed) {
    Random random = new Random(seed);
    List<float[][]> out = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      float[][] tokens = new float[3 + random.nextInt(4)][d];
      for (float[] a : tokens) {
        for (int i = 0; i < d; i++) {
          a[i] = (float) random.nextGaussian();
        }
        if (s < count / 2) {
          a[5] += 1.5f;
        }
      }
      out.add(tokens);
    }
    return out;
  }

  private static int[] range(int from, int to, int parity) {
    return IntStream.range(from, to).filter(i -> i % 2 == parity).toArray();
  }

  @Test
  void kAllOnRawActivationsIsPlainLogisticRegression() {
    int d = 16;
    List<float[][]> acts = sentences(120, d, 3);
    double[][] rows = PooledActivations.raw(acts);
    int[] trainPos = range(0, 60, 0);
    int[] trainNeg = range(60, 120, 0);
    int[] testPos = range(0, 60, 1);
    int[] testNeg = range(60, 120, 1);

    SparseProbing.Result probe = SparseProbing.probe(rows, trainPos, trainNeg, testPos, testNeg, d);

    // the reference: mean over tokens by hand, then Newton's method on every dimension
    double[][] trainX = new double[60][];
    boolean[] trainY = new boolean[60];
    int r = 0;
    for (int s : IntStream.concat(IntStream.of(trainPos), IntStream.of(trainNeg)).toArray()) {
      double[] mean = new double[d];
      for (float[] a : acts.get(s)) {
        for (int i = 0; i < d; i++) {
          mean[i] += a[i] / (double) acts.get(s).length;
        }
      }
      trainX[r] = mean;
      trainY[r++] = s < 60;
    }
    double[] theta = NewtonLogisticReference.fit(trainX, trainY, 1.0);
    int correct = 0;
    for (int s : IntStream.concat(IntStream.of(testPos), IntStream.of(testNeg)).toArray()) {
      double z = theta[d];
      for (int i = 0; i < d; i++) {
        double mean = 0;
        for (float[] a : acts.get(s)) {
          mean += a[i] / (double) acts.get(s).length;
        }
        z += theta[i] * mean;
      }
      correct += (z > 0) == (s < 60) ? 1 : 0;
    }
    assertThat(probe.chosen()).containsExactly(IntStream.range(0, d).toArray());
    assertThat(probe.testAccuracy()).isEqualTo(correct / 60.0);
    assertThat(probe.converged()).isTrue();
  }

  @Test
  void topOneFindsThePlantedDimensionByMeanDifference() {
    List<float[][]> acts = sentences(200, 12, 5);
    double[][] rows = PooledActivations.raw(acts);
    SparseProbing.Result probe = SparseProbing.probe(rows, range(0, 100, 0), range(100, 200, 0), range(0, 100, 1),
        range(100, 200, 1), 1);
    assertThat(probe.chosen()).containsExactly(5);
    assertThat(probe.testAccuracy()).isGreaterThan(0.9);
    assertThat(probe.testBalancedAccuracy()).isGreaterThan(0.9);
  }

  @Test
  void balancedAccuracyIsTheMeanOfBothClassRates() {
    // one dimension: positives at 1, 2, 3, −1 (one lies on the negative side), negatives at −1 … −8
    double[][] rows = {{1}, {2}, {3}, {-1}, {-1}, {-2}, {-3}, {-4}, {-5}, {-6}, {-7}, {-8}, {1.5}, {-1.5}};
    int[] trainPos = {0, 1, 2, 12};
    int[] trainNeg = {5, 6, 7, 13};
    int[] testPos = {0, 3};
    int[] testNeg = {4, 8, 9, 10, 11, 13};
    SparseProbing.Result r = SparseProbing.probe(rows, trainPos, trainNeg, testPos, testNeg, 1);
    // the probe splits at 0: positive 1 right, positive −1 wrong; all six negatives right
    assertThat(r.testAccuracy()).isEqualTo(7 / 8.0);
    assertThat(r.testBalancedAccuracy()).isEqualTo((1 / 2.0 + 6 / 6.0) / 2);
  }

  @Test
  void projectedPoolingIsTheProjectionOfTheMeanOnTheUnitDirection() {
    List<float[][]> acts = sentences(6, 8, 9);
    float[][] candidates = {{0, 0, 0, 0, 0, 3, 0, 0}, {1, 1, 0, 0, 0, 0, 0, 0}};
    double[][] rows = PooledActivations.projected(candidates, acts);
    for (int s = 0; s < 6; s++) {
      double m5 = 0;
      double m01 = 0;
      for (float[] a : acts.get(s)) {
        m5 += a[5];
        m01 += (a[0] + a[1]) / Math.sqrt(2);
      }
      assertThat(rows[s][0]).isCloseTo(m5 / acts.get(s).length, within(1e-6));
      assertThat(rows[s][1]).isCloseTo(m01 / acts.get(s).length, within(1e-6));
    }
  }

  @Test
  void budgetCurvesAtTheFullBudgetEqualTheFullSelectionAndDrawsAreRepeatable() {
    List<float[][]> acts = sentences(100, 40, 13);
    float[][] identity = new float[40][40];
    for (int i = 0; i < 40; i++) {
      identity[i][i] = 1;
    }
    double[][] detection = CandidateScores.maxCosine(identity, acts);
    double[][] pooled = PooledActivations.projected(identity, acts);
    BudgetCurve.Split split = new BudgetCurve.Split(range(0, 50, 0), range(50, 100, 0), range(0, 50, 1),
        range(50, 100, 1));
    List<BudgetCurve.Point> curve = BudgetCurve.compute(detection, pooled, split, new int[] {4, 16, 40, 1000}, 5,
        new int[] {1, 2, 5}, 42);
    assertThat(curve).extracting(BudgetCurve.Point::offered).containsExactly(4, 16, 40, 40);
    assertThat(curve).extracting(BudgetCurve.Point::draws).containsExactly(5, 5, 1, 1);
    assertThat(curve.get(0).probing()).containsOnlyKeys(1, 2);

    int best = (int) CandidateScores.best(detection, split.trainPos(), split.trainNeg())[0];
    double[] pos = IntStream.of(split.testPos()).mapToDouble(s -> detection[s][best]).toArray();
    double[] neg = IntStream.of(split.testNeg()).mapToDouble(s -> detection[s][best]).toArray();
    assertThat(curve.get(2).auroc().mean()).isEqualTo(Auroc.of(pos, neg));
    assertThat(curve.get(2).probing().get(5).mean()).isEqualTo(SparseProbing.probe(pooled, split.trainPos(),
        split.trainNeg(), split.testPos(), split.testNeg(), 5).testAccuracy());

    List<BudgetCurve.Point> again = BudgetCurve.compute(detection, pooled, split, new int[] {4, 16, 40, 1000}, 5,
        new int[] {1, 2, 5}, 42);
    assertThat(again).usingRecursiveComparison().isEqualTo(curve);
    // a small budget rarely holds the planted dimension: its mean AUROC sits below the full budget's
    assertThat(curve.get(0).auroc().mean()).isLessThan(curve.get(2).auroc().mean());
    assertThat(curve.get(0).auroc().min()).isLessThanOrEqualTo(curve.get(0).auroc().max());
  }

  @Test
  void drawsAreDistinctSortedAndCoverEverythingAtFullSize() {
    SplittableRandom random = new SplittableRandom(1);
    int[] subset = BudgetCurve.draw(50, 10, random);
    assertThat(subset).hasSize(10).isSorted().doesNotHaveDuplicates();
    assertThat(BudgetCurve.draw(7, 7, random)).containsExactly(0, 1, 2, 3, 4, 5, 6);
  }
}
