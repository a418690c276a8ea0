package io.snmfservice.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HostTensor;
import io.snmfservice.transformer.loader.SafetensorsTestWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The trained fortunes SAE read from its SAELens files and run on the reference's own resid_post rows: latents,
 * L0 and reconstruction error must match the independent PyTorch reference; broken checkpoints are refused.
 */
class SaeCheckpointTest {

  @TempDir Path tmp;

  @Test
  void encodesTheReferenceActivationsLikeThePyTorchReference() {
    SaeCheckpoint sae = SaeCheckpoint.read(SaeFixture.cfg(), SaeFixture.WEIGHTS);
    assertThat(sae.hook()).isEqualTo(new HookPoint(2, HookPoint.Kind.RESID_POST));
    assertThat(sae.dIn()).isEqualTo(128);
    assertThat(sae.dSae()).isEqualTo(1024);
    assertThat(sae.encodable()).isTrue();
    SaeEncoder encoder = new SaeEncoder(sae.dIn(), sae.dSae(), sae.wEnc(), sae.bEnc(), sae.bDec(), sae.wDec(), null,
        sae.applyBDecToInput());
    double maxValueDiff = 0;
    double maxMseRelDiff = 0;
    int rows = 0;
    for (JsonNode c : SaeFixture.reference().get("cases")) {
      for (int t = 0; t < c.get("resid_post").size(); t++) {
        float[] x = floats(c.get("resid_post").get(t));
        float[] f = encoder.encode(x);
        Integer[] order = new Integer[f.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -f[i]));
        int[] ids = new int[10];
        float[] values = new float[10];
        for (int k = 0; k < 10; k++) {
          ids[k] = order[k];
          values[k] = f[order[k]];
        }
        SaeFixture.TopDiff diff = SaeFixture.compare(ids, values, c.get("top_latents").get(t));
        assertThat(diff.idMismatches()).as("case '%s' token %d", c.get("text").asString(), t).isZero();
        maxValueDiff = Math.max(maxValueDiff, diff.maxValueDiff());
        int l0 = 0;
        for (float v : f) {
          l0 += v > 0 ? 1 : 0;
        }
        assertThat(l0).isEqualTo(c.get("l0").get(t).asInt());
        float[] xHat = encoder.decode(f);
        double mse = 0;
        for (int i = 0; i < x.length; i++) {
          mse += (x[i] - xHat[i]) * (double) (x[i] - xHat[i]);
        }
        mse /= x.length;
        double ref = c.get("reconstruction_mse").get(t).asDouble();
        maxMseRelDiff = Math.max(maxMseRelDiff, Math.abs(mse - ref) / Math.max(ref, 1e-6));
        rows++;
      }
    }
    System.out.printf("SAE encoding vs reference: %d rows, max |latent diff| %.2e, max MSE rel diff %.2e%n", rows,
        maxValueDiff, maxMseRelDiff);
    assertThat(maxValueDiff).isLessThan(1e-4);
    assertThat(maxMseRelDiff).isLessThan(1e-4);
  }

  @Test
  void refusesMissingDecoderWrongShapesNonFiniteValuesAndBadHooks() {
    String cfg = SaeFixture.cfg();
    Path noDecoder = write("no-dec", Map.of("W_enc", new HostTensor(new float[128 * 1024], 128, 1024)));
    assertThatThrownBy(() -> SaeCheckpoint.read(cfg, noDecoder)).isInstanceOf(VectorImportException.class)
        .hasMessageContaining("no W_dec");
    Path transposed = write("transposed", Map.of("W_dec", new HostTensor(new float[128 * 1024], 128, 1024)));
    assertThatThrownBy(() -> SaeCheckpoint.read(cfg, transposed)).hasMessageContaining("W_dec has shape [128, 1024]");
    float[] nan = new float[1024 * 128];
    nan[77] = Float.NaN;
    Path withNan = write("nan", Map.of("W_dec", new HostTensor(nan, 1024, 128)));
    assertThatThrownBy(() -> SaeCheckpoint.read(cfg, withNan)).hasMessageContaining("NaN");
    Path ok = write("ok", Map.of("W_dec", new HostTensor(new float[1024 * 128], 1024, 128)));
    assertThat(SaeCheckpoint.read(cfg, ok).encodable()).isFalse();
    assertThatThrownBy(() -> SaeCheckpoint.read(cfg.replace("blocks.2.hook_resid_post", "blocks.2.attn.hook_z"), ok))
        .hasMessageContaining("unknown hook point");
    assertThatThrownBy(() -> SaeCheckpoint.read(cfg.replace("\"hook_name\"", "\"hook\""), ok))
        .hasMessageContaining("no hook_name");
    assertThatThrownBy(() -> SaeCheckpoint.read("{not json", ok)).hasMessageContaining("not valid JSON");
    Path garbage = tmp.resolve("garbage.safetensors");
    try {
      java.nio.file.Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThatThrownBy(() -> SaeCheckpoint.read(cfg, garbage)).isInstanceOf(VectorImportException.class);
  }

  @Test
  void cfgSizesThatOverflowOrLieAreRejectedNamingTheField() {
    String cfg = "{\"hook_name\":\"blocks.2.hook_resid_post\",\"d_in\":%s,\"d_sae\":%s}";
    // Gson's getAsInt would truncate 4294967297 to 1; it must be refused instead
    assertThatThrownBy(() -> SaeConfig.parse(cfg.formatted("128", "4294967297"))).hasMessageContaining("cfg.json d_sae");
    assertThatThrownBy(() -> SaeConfig.parse(cfg.formatted("1e30", "8"))).hasMessageContaining("cfg.json d_in");
    assertThatThrownBy(() -> SaeConfig.parse(cfg.formatted("1.5", "8"))).hasMessageContaining("cfg.json d_in");
    assertThatThrownBy(() -> SaeConfig.parse(cfg.formatted("\"x\"", "8"))).hasMessageContaining("cfg.json needs an integer d_in");
    assertThatThrownBy(() -> SaeConfig.parse(cfg.formatted("-5", "8"))).hasMessageContaining("cfg.json d_in must be");
    assertThatThrownBy(() -> SaeConfig.parse(cfg.formatted("65536", "65536"))).hasMessageContaining("d_sae × d_in");
    assertThatThrownBy(() -> SaeConfig.parse(cfg.formatted("4", "4").replace("}", ",\"apply_b_dec_to_input\":{}}")))
        .hasMessageContaining("cfg.json apply_b_dec_to_input");
    assertThatThrownBy(() -> SaeConfig.parse("[".repeat(100_000))).hasMessageContaining("cfg.json");
    assertThatThrownBy(() -> SaeConfig.parse("[" + "1,".repeat(1 << 20) + "1]")).hasMessageContaining("at most");
  }

  @Test
  void weightsWhoseDeclaredShapesDisagreeWithTheCfgAreRejectedBeforeReading() {
    SaeConfig config = SaeConfig.parse("{\"hook_name\":\"blocks.2.hook_resid_post\",\"d_in\":2,\"d_sae\":3}");
    Path huge = tmp.resolve("huge.safetensors");
    Path encoderOff = tmp.resolve("enc.safetensors");
    try {
      // a W_dec declaring 2^31 × 2 float32 values backed by 16 GiB of data that is not there
      java.nio.file.Files.write(huge, io.snmfservice.support.HostileFiles.safetensors("{"
          + io.snmfservice.support.HostileFiles.entry("W_dec", "F32", "[2147483648,2]", 0, 24) + "}", new byte[24]));
      java.nio.file.Files.write(encoderOff, io.snmfservice.support.HostileFiles.safetensors("{"
          + io.snmfservice.support.HostileFiles.entry("W_dec", "F32", "[3,2]", 0, 24) + ","
          + io.snmfservice.support.HostileFiles.entry("W_enc", "F32", "[3,2]", 24, 48) + "}", new byte[48]));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThatThrownBy(() -> SaeCheckpoint.read(config, huge)).isInstanceOf(VectorImportException.class)
        .hasMessageContaining("data_offsets of W_dec");
    assertThatThrownBy(() -> SaeCheckpoint.read(config, encoderOff)).isInstanceOf(VectorImportException.class)
        .hasMessageContaining("W_enc has shape [3, 2], expected [2, 3]");
  }

  private Path write(String name, Map<String, HostTensor> tensors) {
    Path file = tmp.resolve(name + ".safetensors");
    SafetensorsTestWriter.write(file, new LinkedHashMap<>(tensors), "F32");
    return file;
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
