package io.snmfservice.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the shared reference fixtures (computed outside this project) and compares against them. */
public final class Reference {

  /** Absolute tolerance of every comparison with a reference forward pass. */
  public static final double TOLERANCE = 1e-4;

  private Reference() {}

  /** A path under the shared folder next to the repository (Maven runs in the repository root). */
  public static Path shared(String... parts) {
    Path path = Path.of("..", "shared");
    for (String part : parts) {
      path = path.resolve(part);
    }
    assertThat(path).as("shared fixture").exists();
    return path;
  }

  public static JsonObject json(Path path) {
    try {
      return JsonParser.parseString(Files.readString(path)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int[] ints(JsonArray array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).getAsInt();
    }
    return out;
  }

  public static float[] floats(JsonArray array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).getAsFloat();
    }
    return out;
  }

  /** Asserts |actual − expected| ≤ {@link #TOLERANCE} element-wise, reporting the worst difference. */
  public static void assertClose(float[] actual, float[] expected, String what) {
    assertThat(actual).as(what + " length").hasSize(expected.length);
    double worst = 0;
    int worstAt = -1;
    for (int i = 0; i < actual.length; i++) {
      double diff = Math.abs(actual[i] - expected[i]);
      if (!(diff <= worst)) {
        worst = diff;
        worstAt = i;
      }
    }
    assertThat(worst).as("%s: max |diff| at index %d (actual %s, expected %s)", what, worstAt,
        worstAt < 0 ? "-" : actual[worstAt], worstAt < 0 ? "-" : expected[worstAt]).isLessThanOrEqualTo(TOLERANCE);
  }

  public static void assertClose(float[] actual, JsonArray expected, String what) {
    assertClose(actual, floats(expected), what);
  }

  public static float maxAbsDiff(float[] a, float[] b) {
    float worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }
}
