package io.snmfservice.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.snmfservice.support.TestDevice;
import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.Reference;
import io.snmfservice.transformer.loader.TransformerLoader;
import io.snmfservice.vectors.SaeCheckpoint;
import io.snmfservice.vectors.SaeEncoder;
import io.snmfservice.vectors.SaeFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The core metrics of the trained fortunes SAE at blocks.2.hook_resid_post on the 40 texts of
 * ../shared/fixtures/fortunes-sae-core-metrics.json, against that file's plain-PyTorch totals (real DJL inference on
 * the real weights), to 1e-3.
 */
class FortunesSaeCoreMetricsTest {

  private static final double TOLERANCE = 1e-3;

  @Test
  void reproducesThePyTorchCoreMetricsOfTheFortunesSae() throws Exception {
    JsonObject fixture = Reference.json(Reference.shared("fixtures", "fortunes-sae-core-metrics.json"));
    JsonObject totals = fixture.getAsJsonObject("totals");
    List<int[]> sequences = new ArrayList<>();
    for (JsonElement text : fixture.getAsJsonArray("texts")) {
      sequences.add(bytesAfterBos(text.getAsJsonObject().get("text").getAsString()));
    }
    SaeCheckpoint sae = SaeCheckpoint.read(SaeFixture.cfg(), SaeFixture.WEIGHTS);
    SaeEncoder encoder = new SaeEncoder(sae.dIn(), sae.dSae(), sae.wEnc(), sae.bEnc(), sae.bDec(), sae.wDec(),
        sae.threshold(), sae.applyBDecToInput());
    try (HookedTransformer model = TransformerLoader.load(Reference.shared("models", "fortunes-byte-gpt2"),
        TestDevice.get())) {
      CoreMetricsResult r = CoreMetrics.compute(model, HookPoint.parse(fixture.get("hook").getAsString()),
          new SaeDictionary(encoder), sequences, CoreMetrics.Options.afterBos(), fraction -> {});

      assertThat(r.predictions()).isEqualTo(totals.get("tokens").getAsLong());
      assertThat(r.activations()).isEqualTo(totals.get("tokens").getAsLong());
      double[][] pairs = {
          {r.ceClean(), totals.get("ce_clean").getAsDouble()},
          {r.ceSpliced(), totals.get("ce_sae").getAsDouble()},
          {r.ceZero(), totals.get("ce_zero").getAsDouble()},
          {r.ceMean(), totals.get("ce_mean").getAsDouble()},
          {r.explainedVariance(), totals.get("explained_variance").getAsDouble()},
          {r.l0(), totals.get("l0").getAsDouble()},
          {r.ceLossRecoveredVsZero(), totals.get("ce_loss_recovered_vs_zero").getAsDouble()},
          {r.ceLossRecoveredVsMean(), totals.get("ce_loss_recovered_vs_mean").getAsDouble()}};
      String[] names = {"ce_clean", "ce_sae", "ce_zero", "ce_mean", "explained_variance", "l0",
          "ce_loss_recovered_vs_zero", "ce_loss_recovered_vs_mean"};
      StringBuilder report = new StringBuilder();
      for (int i = 0; i < pairs.length; i++) {
        report.append(String.format("%s ours %.6f reference %.6f |diff| %.2e%n", names[i], pairs[i][0], pairs[i][1],
            Math.abs(pairs[i][0] - pairs[i][1])));
      }
      System.out.print(report);
      for (int i = 0; i < pairs.length; i++) {
        assertThat(pairs[i][0]).as(names[i] + "\n" + report).isCloseTo(pairs[i][1],
            org.assertj.core.data.Offset.offset(TOLERANCE));
      }
      // per text, the summed CE of each pass (tens to hundreds of nats, float32 logits): 1e-3 relative
      var texts = fixture.getAsJsonArray("texts");
      for (int i = 0; i < texts.size(); i++) {
        JsonObject t = texts.get(i).getAsJsonObject();
        CoreMetricsResult.SequenceLoss s = r.sequences().get(i);
        assertThat(s.clean()).isCloseTo(t.get("ce_sum_clean").getAsDouble(), org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(s.spliced()).isCloseTo(t.get("ce_sum_sae").getAsDouble(), org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(s.zero()).isCloseTo(t.get("ce_sum_zero").getAsDouble(), org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(s.mean()).isCloseTo(t.get("ce_sum_mean").getAsDouble(), org.assertj.core.data.Percentage.withPercentage(0.1));
      }
      // the SAE was trained with no dead latents; dead + the histogram's latents are all of them
      int binned = r.density().bins().stream().mapToInt(DensityHistogram.Bin::count).sum();
      assertThat(binned + r.dead()).isEqualTo(sae.dSae());
      expectExtrasComputedByHand(r.extras(), model, fixture.get("hook").getAsString(), sequences, encoder);
    }
  }

  /**
   * SAEBench's further statistics, recomputed here from the hook's activations (one forward pass per text, one
   * token at a time through the SAE), in the formulas' plainest form; batched and single passes differ in the last
   * float bits, hence 1e-4 relative.
   */
  private static void expectExtrasComputedByHand(CoreMetricsResult.Extras e, HookedTransformer model, String hook,
      List<int[]> sequences, SaeEncoder encoder) {
    List<float[]> xs = new ArrayList<>();
    for (int[] s : sequences) {
      ForwardResult pass = model.forward(new int[][] {s}, HookSpec.logits(LogitsMode.NONE).withCapture(hook));
      for (int t = 1; t < s.length; t++) {
        xs.add(pass.capture(hook, 0, t));
      }
    }
    int d = xs.get(0).length;
    double[] mean = new double[d];
    xs.forEach(x -> {
      for (int i = 0; i < d; i++) {
        mean[i] += x[i] / (double) xs.size();
      }
    });
    double cos = 0, in = 0, out = 0, ratio = 0, hatSquared = 0, dot = 0, l1 = 0, legacy = 0;
    for (float[] x : xs) {
      float[] f = encoder.encode(x);
      float[] hat = encoder.decode(f);
      double xx = 0, hh = 0, xh = 0, err = 0, dev = 0;
      for (int i = 0; i < d; i++) {
        xx += (double) x[i] * x[i];
        hh += (double) hat[i] * hat[i];
        xh += (double) x[i] * hat[i];
        err += ((double) x[i] - hat[i]) * ((double) x[i] - hat[i]);
        dev += (x[i] - mean[i]) * (x[i] - mean[i]);
      }
      cos += xh / Math.sqrt(xx * hh);
      in += Math.sqrt(xx);
      out += Math.sqrt(hh);
      ratio += Math.sqrt(hh) / Math.sqrt(xx);
      hatSquared += hh;
      dot += xh;
      legacy += 1 - err / dev;
      for (float v : f) {
        l1 += v;
      }
    }
    int n = xs.size();
    double[][] pairs = {{e.cosine(), cos / n}, {e.l2NormIn(), in / n}, {e.l2NormOut(), out / n},
        {e.l2Ratio(), ratio / n}, {e.relativeReconstructionBias(), hatSquared / dot}, {e.l1(), l1 / n},
        {e.explainedVarianceLegacy(), legacy / n}};
    String[] names = {"cossim", "l2_norm_in", "l2_norm_out", "l2_ratio", "relative_reconstruction_bias", "l1",
        "explained_variance_legacy"};
    for (int i = 0; i < pairs.length; i++) {
      System.out.printf("%s ours %.6f by hand %.6f%n", names[i], pairs[i][0], pairs[i][1]);
      assertThat(pairs[i][0]).as(names[i]).isCloseTo(pairs[i][1],
          org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(pairs[i][1]))));
    }
  }

  /** The fixture's tokens: BOS 256, then the UTF-8 bytes of the text. */
  static int[] bytesAfterBos(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] out = new int[bytes.length + 1];
    out[0] = 256;
    for (int i = 0; i < bytes.length; i++) {
      out[i + 1] = bytes[i] & 0xff;
    }
    return out;
  }
}
