package io.snmfservice.snmf;

import io.snmfservice.support.TestDevice;
import static io.snmfservice.snmf.SnmfTestData.fRows;
import static io.snmfservice.snmf.SnmfTestData.matrix;
import static io.snmfservice.snmf.SnmfTestData.relativeMaxDifference;
import static io.snmfservice.snmf.SnmfTestData.rowMajor;
import static io.snmfservice.snmf.SnmfTestData.vector;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The engine's iterates against a plain reference and the official code's trajectory. */
class SnmfUpdateRuleTest {

  private static SnmfConfig exactRun(int k, double s, int iterations, SnmfPrecision precision) {
    return SnmfConfig.of(k).withSparsity(s).withMaxIterations(iterations).withPatience(iterations)
        .withPrecision(precision).withChunkColumns(64);
  }

  @Test
  void matchesAPlainDoublePrecisionReferenceForTwentyIterations() {
    SplittableRandom r = new SplittableRandom(11);
    int d = 30;
    int n = 200;
    int k = 5;
    double[][] a = new double[d][n];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] = (float) r.nextGaussian(); // float-representable so both sides see the same A
      }
    }
    double[][] g0 = new double[n][k];
    for (int j = 0; j < n; j++) {
      for (int c = 0; c < k; c++) {
        g0[j][c] = r.nextDouble();
      }
    }
    ReferenceSnmf reference = new ReferenceSnmf(a, g0, 0.2);
    double[] expected = new double[20];
    for (int t = 0; t < 20; t++) {
      expected[t] = reference.iterate();
    }
    try (SnmfResult result = new SnmfEngine().factorizeFrom(SnmfTestData.source(a),
        exactRun(k, 0.2, 20, SnmfPrecision.FLOAT32).withChunkColumns(48), rowMajor(g0),
        SnmfProgressListener.NONE, CancellationSignal.NEVER)) {
      assertThat(result.losses()).hasSize(20);
      for (int t = 0; t < 20; t++) {
        assertThat(Math.abs(result.losses()[t] - expected[t]) / expected[t]).as("iteration %d", t + 1)
            .isLessThanOrEqualTo(1e-4);
      }
    }
  }

  @Test
  void followsOfficialLossTrajectoryInDoublePrecision() {
    followOfficialTrajectoryInDouble(new SnmfEngine());
  }

  @Test
  void djlBackendFollowsOfficialLossTrajectoryInDoublePrecision() {
    followOfficialTrajectoryInDouble(new SnmfEngine(precision -> new DjlTensorOps(precision, TestDevice.get())));
  }

  @Test
  void djlBackendFollowsOfficialLossTrajectoryInFloat32() {
    JsonNode fx = SnmfTestData.readJson(SnmfTestData.OFFICIAL_TRAJECTORY);
    double[] loss = vector(fx.get("loss"));
    SnmfConfig cfg = exactRun(fx.get("k").asInt(), fx.get("sparsity").asDouble(), loss.length, SnmfPrecision.FLOAT32);
    try (SnmfResult result = new SnmfEngine(precision -> new DjlTensorOps(precision, TestDevice.get())).factorizeFrom(SnmfTestData.source(matrix(fx.get("A"))),
        cfg, rowMajor(matrix(fx.get("G0"))), SnmfProgressListener.NONE, CancellationSignal.NEVER)) {
      for (int t = 0; t < loss.length; t++) {
        assertThat(Math.abs(result.losses()[t] - loss[t]) / loss[t]).as("iteration %d", t + 1)
            .isLessThanOrEqualTo(1e-3);
      }
      assertThat(relativeMaxDifference(result.g().toArray(), matrix(fx.get("G_final")))).isLessThan(1e-3);
    }
  }

  private static void followOfficialTrajectoryInDouble(SnmfEngine engine) {
    JsonNode fx = SnmfTestData.readJson(SnmfTestData.OFFICIAL_TRAJECTORY);
    double[][] a = matrix(fx.get("A"));
    double[] loss = vector(fx.get("loss"));
    int k = fx.get("k").asInt();
    SnmfConfig cfg = exactRun(k, fx.get("sparsity").asDouble(), loss.length, SnmfPrecision.FLOAT64);
    try (SnmfResult result = engine.factorizeFrom(ActivationSource.ofRows(a), cfg,
        rowMajor(matrix(fx.get("G0"))), SnmfProgressListener.NONE, CancellationSignal.NEVER)) {
      for (int t = 0; t < loss.length; t++) {
        assertThat(Math.abs(result.losses()[t] - loss[t]) / loss[t]).as("iteration %d", t + 1)
            .isLessThanOrEqualTo(1e-6);
      }
      assertThat(result.bestIteration()).isEqualTo(loss.length); // the official run ends at its lowest loss
      assertThat(relativeMaxDifference(fRows(result), matrix(fx.get("F_final")))).isLessThan(1e-6);
      assertThat(relativeMaxDifference(result.g().toArray(), matrix(fx.get("G_final")))).isLessThan(1e-6);
    }
  }

  @Test
  void followsOfficialLossTrajectoryInFloat32() {
    JsonNode fx = SnmfTestData.readJson(SnmfTestData.OFFICIAL_TRAJECTORY);
    double[][] a = matrix(fx.get("A"));
    double[] loss = vector(fx.get("loss"));
    int k = fx.get("k").asInt();
    SnmfConfig cfg = exactRun(k, fx.get("sparsity").asDouble(), loss.length, SnmfPrecision.FLOAT32);
    try (SnmfResult result = new SnmfEngine().factorizeFrom(SnmfTestData.source(a), cfg,
        rowMajor(matrix(fx.get("G0"))), SnmfProgressListener.NONE, CancellationSignal.NEVER)) {
      for (int t = 0; t < loss.length; t++) {
        assertThat(Math.abs(result.losses()[t] - loss[t]) / loss[t]).as("iteration %d", t + 1)
            .isLessThanOrEqualTo(1e-3);
      }
      assertThat(relativeMaxDifference(fRows(result), matrix(fx.get("F_final")))).isLessThan(1e-3);
      assertThat(relativeMaxDifference(result.g().toArray(), matrix(fx.get("G_final")))).isLessThan(1e-3);
    }
  }
}
