package io.snmfservice.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.TestDevice;
import io.snmfservice.transformer.loader.SafetensorsFile;
import io.snmfservice.transformer.loader.TransformerLoader;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code blocks.L.hook_mlp_out} and interventions at residual-stream hooks on the trained byte-level GPT-2, checked
 * against the checkpoint's own c_proj weights (read from the safetensors file, not from the model) and against
 * the equivalences the block diagram implies.
 */
@ExtendWith(SingleThreadedTorch.class)
class HookMlpOutTest {

  private static final int LAYER = 2;
  private static HookedTransformer model;
  private static int[] tokens;

  @BeforeAll
  static void load() {
    model = TransformerLoader.load(Reference.shared("models", "fortunes-byte-gpt2"), TestDevice.get());
    byte[] text = "Wer rastet, der rostet.".getBytes(StandardCharsets.UTF_8);
    tokens = new int[text.length + 1];
    tokens[0] = 256;
    for (int i = 0; i < text.length; i++) {
      tokens[i + 1] = text[i] & 0xff;
    }
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void mlpOutIsHookPostTimesTheCheckpointsOutputProjectionPlusBias() {
    ForwardResult r = model.forward(TokenBatch.single(tokens), HookSpec.none()
        .withCapture(HookPoint.mlpPost(LAYER), HookPoint.mlpOut(LAYER)));
    float[] w;
    float[] b;
    try (SafetensorsFile file = SafetensorsFile.open(Reference.shared("models", "fortunes-byte-gpt2")
        .resolve("model.safetensors"))) {
      String prefix = file.contains("h.2.mlp.c_proj.weight") ? "h.2." : "transformer.h.2.";
      w = file.read(prefix + "mlp.c_proj.weight").data(); // GPT-2 Conv1D: [d_mlp, d_model]
      b = file.read(prefix + "mlp.c_proj.bias").data();
    }
    double maxDiff = 0;
    for (int t = 0; t < tokens.length; t++) {
      float[] post = r.capture(HookPoint.mlpPost(LAYER), 0, t);
      float[] out = r.capture(HookPoint.mlpOut(LAYER), 0, t);
      assertThat(out).hasSize(128);
      for (int j = 0; j < 128; j++) {
        double expected = b[j];
        for (int i = 0; i < 512; i++) {
          expected += (double) post[i] * w[i * 128 + j];
        }
        maxDiff = Math.max(maxDiff, Math.abs(expected - out[j]));
      }
    }
    assertThat(maxDiff).isLessThan(1e-4);
  }

  @Test
  void addingAtMlpOutEqualsAddingAtResidPostAndAtTheNextResidPre() {
    float[] z = randomUnit(128, new Random(4));
    float[] atMlpOut = lastLogits(new AddVector(LAYER, z, 6f, 0, HookPoint.Kind.MLP_OUT));
    float[] atResidPost = lastLogits(new AddVector(LAYER, z, 6f, 0, HookPoint.Kind.RESID_POST));
    float[] atNextResidPre = lastLogits(new AddVector(LAYER + 1, z, 6f, 0, HookPoint.Kind.RESID_PRE));
    float[] unsteered = model.forward(TokenBatch.single(tokens), HookSpec.logits(LogitsMode.LAST)).lastLogits(0);
    assertThat(maxAbsDiff(atMlpOut, unsteered)).isGreaterThan(1e-2);
    assertThat(maxAbsDiff(atMlpOut, atResidPost)).isLessThan(1e-4);
    assertThat(maxAbsDiff(atMlpOut, atNextResidPre)).isLessThan(1e-4);
  }

  @Test
  void addingZAtHookPostEqualsAddingItsOutputProjectionAtMlpOut() {
    float[] z = randomUnit(512, new Random(5));
    float[][] wOut = model.mlpOutWeights(LAYER);
    float[] projected = new float[128];
    for (int i = 0; i < 512; i++) {
      for (int j = 0; j < 128; j++) {
        projected[j] += z[i] * wOut[i][j];
      }
    }
    float[] atPost = lastLogits(new AddVector(LAYER, z, 5f));
    float[] atOut = lastLogits(new AddVector(LAYER, projected, 5f, 0, HookPoint.Kind.MLP_OUT));
    assertThat(maxAbsDiff(atPost, atOut)).isLessThan(1e-4);
  }

  @Test
  void rejectsAResidualInterventionOfTheMlpWidth() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> lastLogits(
            new AddVector(LAYER, new float[512], 1f, 0, HookPoint.Kind.RESID_POST)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("128 values");
    assertThat(HookPoint.parse("blocks.3.hook_mlp_out")).isEqualTo(new HookPoint(3, HookPoint.Kind.MLP_OUT));
  }

  private static float[] lastLogits(AddVector v) {
    return model.forward(TokenBatch.single(tokens), HookSpec.logits(LogitsMode.LAST).withIntervention(v)).lastLogits(0);
  }

  private static float[] randomUnit(int n, Random random) {
    float[] z = new float[n];
    double sq = 0;
    for (int i = 0; i < n; i++) {
      z[i] = (float) random.nextGaussian();
      sq += z[i] * z[i];
    }
    for (int i = 0; i < n; i++) {
      z[i] /= (float) Math.sqrt(sq);
    }
    return z;
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
