package io.snmfservice.snmf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** Conversions and fixture loading shared by the SNMF tests. */
final class SnmfTestData {

  private SnmfTestData() {}

  static final Path OFFICIAL_TRAJECTORY = Path.of("..", "shared", "fixtures", "snmf-official-trajectory.json");

  static JsonNode readJson(Path p) {
    try {
      return new ObjectMapper().readTree(p.toFile());
    } catch (IOException e) {
      throw new AssertionError("fixture missing or unreadable: " + p.toAbsolutePath(), e);
    }
  }

  static double[][] matrix(JsonNode node) {
    double[][] m = new double[node.size()][];
    for (int i = 0; i < m.length; i++) {
      JsonNode row = node.get(i);
      m[i] = new double[row.size()];
      for (int j = 0; j < m[i].length; j++) {
        m[i][j] = row.get(j).asDouble();
      }
    }
    return m;
  }

  static double[] vector(JsonNode node) {
    double[] v = new double[node.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = node.get(i).asDouble();
    }
    return v;
  }

  /** Rows×cols array to an activation source (float32, as activations are stored). */
  static ActivationSource source(double[][] a) {
    float[][] f = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      f[i] = new float[a[i].length];
      for (int j = 0; j < a[i].length; j++) {
        f[i][j] = (float) a[i][j];
      }
    }
    return ActivationSource.ofRows(f);
  }

  static double[] rowMajor(double[][] m) {
    int cols = m[0].length;
    double[] out = new double[m.length * cols];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, out, i * cols, cols);
    }
    return out;
  }

  /** Largest |x − y| over all entries divided by the largest |y|. */
  static double relativeMaxDifference(double[][] x, double[][] y) {
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < y[i].length; j++) {
        diff = Math.max(diff, Math.abs(x[i][j] - y[i][j]));
        scale = Math.max(scale, Math.abs(y[i][j]));
      }
    }
    return diff / scale;
  }

  /** F of a result as rows (d×K, double). */
  static double[][] fRows(SnmfResult r) {
    double[][] out = new double[r.d()][r.k()];
    for (int i = 0; i < r.d(); i++) {
      for (int j = 0; j < r.k(); j++) {
        out[i][j] = r.f()[j * r.d() + i];
      }
    }
    return out;
  }
}
