package io.snmfservice.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Examples by activation quantile on planted activations whose quantiles are known: bin edges, membership, shares,
 * the sample when the reservoir is too small, ties, and that each bin's examples are a uniform sample of it.
 */
class FeatureStatisticsTest {

  private static final long SEED = 7;

  /** Planted rows: n tokens × k features, row-major. */
  private record Planted(double[] values, int k) implements FeatureStatistics.Rows {
    @Override
    public long n() {
      return values.length / k;
    }

    @Override
    public double[] rows(long start, int count) {
      double[] out = new double[count * k];
      System.arraycopy(values, (int) start * k, out, 0, count * k);
      return out;
    }
  }

  /** Token c gets activation {@code offset + permutation[c] + 1}: the values offset+1 … offset+n in shuffled order. */
  private static double[] shuffledRamp(int n, double offset) {
    int[] permutation = new int[n];
    for (int i = 0; i < n; i++) {
      permutation[i] = i;
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = permutation[i];
      permutation[i] = permutation[j];
      permutation[j] = t;
    }
    double[] values = new double[n];
    for (int c = 0; c < n; c++) {
      values[c] = offset + permutation[c] + 1;
    }
    return values;
  }

  private static Map<Integer, List<FeatureStatistics.Sample>> byBin(List<FeatureStatistics.Sample> samples) {
    return samples.stream().collect(Collectors.groupingBy(FeatureStatistics.Sample::bin, TreeMap::new,
        Collectors.toList()));
  }

  @Test
  void decilesOfOneToAThousandHaveKnownEdgesMembersAndShares() {
    double[] activation = shuffledRamp(1000, 0);
    FeatureStatistics.Result result = FeatureStatistics.compute(new Planted(activation, 1), 5, () -> {});

    // active: above 1 % of the maximum 1000, so 11 … 1000 (m = 990); e_b = x(⌈99·b⌉) = 10 + 99·b
    assertThat(result.stats().get(0).frequency()).isEqualTo(0.99);
    List<FeatureStatistics.Sample> samples = result.examples().get(0);
    assertThat(samples).hasSize(FeatureStatistics.EXAMPLE_BINS * FeatureStatistics.EXAMPLES_PER_BIN);
    assertThat(samples.stream().map(FeatureStatistics.Sample::bin).toList())
        .isSortedAccordingTo((a, b) -> Integer.compare(b, a));
    Map<Integer, List<FeatureStatistics.Sample>> bins = byBin(samples);
    assertThat(bins.keySet()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    for (var bin : bins.entrySet()) {
      int b = bin.getKey();
      double low = b == 0 ? 11 : 10 + 99 * b;
      double high = 10 + 99 * (b + 1);
      List<FeatureStatistics.Sample> in = bin.getValue();
      assertThat(in).hasSize(3);
      double previous = Double.POSITIVE_INFINITY;
      for (FeatureStatistics.Sample s : in) {
        assertThat(s.low()).isEqualTo(low);
        assertThat(s.high()).isEqualTo(high);
        assertThat(s.fraction()).isCloseTo(0.1, within(1e-12));
        assertThat(s.exact()).isTrue();
        assertThat(s.activation()).isEqualTo(activation[(int) s.column()]); // the token's own activation
        assertThat(s.activation()).isLessThanOrEqualTo(high).isLessThanOrEqualTo(previous);
        assertThat(s.activation() > low || b == 0 && s.activation() == low).as("in bin %d", b).isTrue();
        previous = s.activation();
      }
    }
    assertThat(FeatureStatistics.compute(new Planted(activation, 1), 5, () -> {}).examples())
        .as("seeded: the same factors give the same examples").isEqualTo(result.examples());
  }

  @Test
  void binsOfUnequalSizeFollowTheInvertedCdfRanks() {
    // 25 values 101 … 125, all active: e_b = x(⌈2.5·b⌉), so the bins hold 3, 2, 3, 2, … tokens
    double[] activation = shuffledRamp(25, 100);
    List<FeatureStatistics.Sample> samples = FeatureStatistics.compute(new Planted(activation, 1), 1, () -> {})
        .examples().get(0);
    int[] rank = {1, 3, 5, 8, 10, 13, 15, 18, 20, 23, 25};
    for (var bin : byBin(samples).entrySet()) {
      int b = bin.getKey();
      int size = rank[b + 1] - (b == 0 ? 0 : rank[b]);
      for (FeatureStatistics.Sample s : bin.getValue()) {
        assertThat(s.low()).isEqualTo(100 + rank[b]);
        assertThat(s.high()).isEqualTo(100 + rank[b + 1]);
        assertThat(s.fraction()).isCloseTo(size / 25.0, within(1e-12));
      }
      assertThat(bin.getValue()).hasSize(Math.min(3, size));
    }
    assertThat(byBin(samples)).hasSize(10);
  }

  @Test
  void tiedActivationsAllFallInTheWeakestBin() {
    double[] activation = new double[300];
    java.util.Arrays.fill(activation, 100, 300, 5.0); // 100 zeros (inactive), 200 tokens at 5
    List<FeatureStatistics.Sample> samples = FeatureStatistics.compute(new Planted(activation, 1), 1, () -> {})
        .examples().get(0);
    assertThat(samples).hasSize(3).allSatisfy(s -> {
      assertThat(s.bin()).isZero();
      assertThat(s.low()).isEqualTo(5.0);
      assertThat(s.high()).isEqualTo(5.0);
      assertThat(s.fraction()).isEqualTo(1.0);
      assertThat(s.column()).isGreaterThanOrEqualTo(100);
    });
  }

  @Test
  void aFeatureWithMoreActiveTokensThanItsReservoirGetsEstimatedInteriorEdges() {
    // 100,000 values 1 … 100,000, a reservoir of 1,000: active 1001 … 100000 (m = 99,000), e_b ≈ 1000 + 9900·b
    double[] activation = shuffledRamp(100_000, 0);
    List<FeatureStatistics.Sample> samples = FeatureStatistics.compute(new Planted(activation, 1), 1, () -> {},
        1000, SEED).examples().get(0);
    Map<Integer, List<FeatureStatistics.Sample>> bins = byBin(samples);
    assertThat(bins).hasSize(10);
    double shares = 0;
    for (var bin : bins.entrySet()) {
      int b = bin.getKey();
      FeatureStatistics.Sample first = bin.getValue().get(0);
      // the rank of a sample quantile is off by about √(p(1−p)/1000)·m ≤ 1,565; allow 5 of those
      assertThat(first.low()).isCloseTo(b == 0 ? 1001 : 1000 + 9900 * b, within(b == 0 ? 0 : 7_900.0));
      assertThat(first.high()).isCloseTo(1000 + 9900 * (b + 1), within(b == 9 ? 0 : 7_900.0));
      assertThat(first.exact()).isFalse();
      shares += first.fraction();
      for (FeatureStatistics.Sample s : bin.getValue()) {
        assertThat(s.activation()).isEqualTo(activation[(int) s.column()]).isLessThanOrEqualTo(s.high())
            .isGreaterThanOrEqualTo(s.low());
      }
    }
    assertThat(shares).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void eachBinsExamplesAreAUniformSampleOfIt() {
    // 40 active tokens, 4 per bin, 3 drawn from each: over 400 seeds each token is drawn 300 ± 8.7 times
    double[] activation = shuffledRamp(40, 100);
    int[] drawn = new int[40];
    for (long seed = 0; seed < 400; seed++) {
      for (FeatureStatistics.Sample s : FeatureStatistics.compute(new Planted(activation, 1), 1, () -> {},
          FeatureStatistics.RESERVOIR_BUDGET, seed).examples().get(0)) {
        drawn[(int) s.column()]++;
      }
    }
    List<Integer> counts = new ArrayList<>();
    for (int d : drawn) {
      counts.add(d);
    }
    assertThat(counts).allSatisfy(d -> assertThat(d).isBetween(260, 340));
  }

  @Test
  void theReservoirsShareABoundedBudget() {
    assertThat(FeatureStatistics.reservoirCapacity(32, FeatureStatistics.RESERVOIR_BUDGET)).isEqualTo(131_072);
    assertThat(FeatureStatistics.reservoirCapacity(100_000, FeatureStatistics.RESERVOIR_BUDGET))
        .isEqualTo(FeatureStatistics.MIN_RESERVOIR);
  }
}
