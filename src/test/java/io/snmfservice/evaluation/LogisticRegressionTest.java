package io.snmfservice.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

  /** Two overlapping Gaussian classes in d dimensions, shifted along a random direction, with a constant offset. */
  static double[][] gaussians(int rows, int d, double shift, long seed, boolean[] labels) {
    Random random = new Random(seed);
    double[][] x = new double[rows][d];
    for (int i = 0; i < rows; i++) {
      labels[i] = i % 3 != 0; // unbalanced classes: the intercept matters
      for (int j = 0; j < d; j++) {
        x[i][j] = random.nextGaussian() + 2.0 + (labels[i] && j % 4 == 0 ? shift : 0);
      }
    }
    return x;
  }

  @Test
  void landsOnTheSameOptimumAsAnIndependentNewtonSolver() {
    for (double c : new double[] {0.01, 1.0, 100.0}) {
      boolean[] y = new boolean[300];
      double[][] x = gaussians(300, 24, 0.6, 7, y);
      LogisticRegression.Model model = LogisticRegression.fit(x, y, c);
      double[] reference = NewtonLogisticReference.fit(x, y, c);
      assertThat(model.converged()).isTrue();
      for (int j = 0; j < 24; j++) {
        assertThat(model.weights()[j]).as("w[%d] at C=%s", j, c).isCloseTo(reference[j], within(1e-6));
      }
      assertThat(model.intercept()).isCloseTo(reference[24], within(1e-6));
    }
  }

  @Test
  void separableDataStayFiniteBecauseOfTheL2Term() {
    double[][] x = {{-2}, {-1}, {1}, {2}};
    boolean[] y = {false, false, true, true};
    LogisticRegression.Model model = LogisticRegression.fit(x, y, 1.0);
    double[] reference = NewtonLogisticReference.fit(x, y, 1.0);
    assertThat(model.weights()[0]).isCloseTo(reference[0], within(1e-8));
    assertThat(model.intercept()).isCloseTo(0.0, within(1e-8)); // symmetric data
    assertThat(model.accuracy(x, y)).isEqualTo(1.0);
  }

  @Test
  void refusesOneClassOrMismatchedLabels() {
    assertThatThrownBy(() -> LogisticRegression.fit(new double[][] {{1}, {2}}, new boolean[] {true, true}, 1))
        .hasMessageContaining("both classes");
    assertThatThrownBy(() -> LogisticRegression.fit(new double[][] {{1}}, new boolean[] {true, false}, 1))
        .hasMessageContaining("as many labels");
  }
}
