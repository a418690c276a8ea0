package io.snmfservice.vectors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.Tensor;
import io.snmfservice.transformer.loader.SafetensorsFile;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A sparse autoencoder in SAELens's on-disk layout: {@code cfg.json} ({@code hook_name}, {@code d_in},
 * {@code d_sae}, {@code architecture}, {@code apply_b_dec_to_input}, {@code normalize_activations}; newer SAELens
 * versions nest {@code hook_name} under {@code metadata}) and {@code sae_weights.safetensors} with {@code W_dec}
 * [d_sae, d_in] (one row per latent) and, for encoding, {@code W_enc} [d_in, d_sae], {@code b_enc} [d_sae],
 * {@code b_dec} [d_in] and, for JumpReLU, {@code threshold} [d_sae]. Every shape is checked against the config and
 * every value must be finite. Encoding is offered for the {@code standard} (ReLU) and {@code jumprelu}
 * architectures on raw activations ({@code normalize_activations} none); other SAEs still give their decoder rows.
 *
 * @param wEnc row-major [d_in][d_sae] flattened, or null
 * @param threshold JumpReLU thresholds, or null
 */
public record SaeCheckpoint(String hookName, HookPoint hook, int dIn, int dSae, String architecture,
    boolean applyBDecToInput, String normalizeActivations, float[][] wDec, float[] wEnc, float[] bEnc, float[] bDec,
    float[] threshold, JsonObject cfg) {

  /** Parses and checks a checkpoint; throws {@link VectorImportException} with the reason otherwise. */
  public static SaeCheckpoint read(String cfgJson, Path weights) {
    JsonObject cfg;
    try {
      JsonElement parsed = JsonParser.parseString(cfgJson);
      if (!parsed.isJsonObject()) {
        throw new VectorImportException("cfg.json must be a JSON object");
      }
      cfg = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new VectorImportException("cfg.json is not valid JSON");
    }
    String hookName = string(cfg, "hook_name");
    if (hookName == null && cfg.has("metadata") && cfg.get("metadata").isJsonObject()) {
      hookName = string(cfg.getAsJsonObject("metadata"), "hook_name");
    }
    if (hookName == null) {
      throw new VectorImportException("cfg.json has no hook_name");
    }
    HookPoint hook;
    try {
      hook = HookPoint.parse(hookName);
    } catch (IllegalArgumentException e) {
      throw new VectorImportException("cfg.json hook_name: " + e.getMessage());
    }
    int dIn = positiveInt(cfg, "d_in");
    int dSae = positiveInt(cfg, "d_sae");
    String architecture = string(cfg, "architecture") == null ? "standard" : string(cfg, "architecture");
    boolean applyBDec = !cfg.has("apply_b_dec_to_input") || cfg.get("apply_b_dec_to_input").isJsonNull()
        || cfg.get("apply_b_dec_to_input").getAsBoolean();
    String normalize = string(cfg, "normalize_activations") == null ? "none" : string(cfg, "normalize_activations");

    try (SafetensorsFile file = SafetensorsFile.open(weights)) {
      if (!file.contains("W_dec")) {
        throw new VectorImportException("sae_weights.safetensors has no W_dec (tensors: " + file.names() + ")");
      }
      Tensor wDec = tensor(file, "W_dec", dSae, dIn);
      float[][] rows = new float[dSae][];
      for (int i = 0; i < dSae; i++) {
        rows[i] = Arrays.copyOfRange(wDec.data(), i * dIn, (i + 1) * dIn);
      }
      float[] wEnc = file.contains("W_enc") ? tensor(file, "W_enc", dIn, dSae).data() : null;
      float[] bEnc = file.contains("b_enc") ? tensor(file, "b_enc", dSae).data() : null;
      float[] bDec = file.contains("b_dec") ? tensor(file, "b_dec", dIn).data() : null;
      float[] threshold = file.contains("threshold") ? tensor(file, "threshold", dSae).data() : null;
      return new SaeCheckpoint(hookName, hook, dIn, dSae, architecture, applyBDec, normalize, rows, wEnc, bEnc, bDec,
          threshold, cfg);
    } catch (VectorImportException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new VectorImportException("sae_weights.safetensors: " + e.getMessage());
    } catch (RuntimeException e) { // unreadable header, truncated data
      throw new VectorImportException("sae_weights.safetensors is not a readable safetensors file");
    }
  }

  /**
   * Whether this service can encode activations with it: a standard or JumpReLU SAE on raw activations with its
   * encoder weights present.
   */
  public boolean encodable() {
    boolean arch = architecture.equals("standard") || (architecture.equals("jumprelu") && threshold != null);
    return arch && normalizeActivations.equals("none") && wEnc != null && bEnc != null && bDec != null;
  }

  private static Tensor tensor(SafetensorsFile file, String name, long... expected) {
    Tensor t = file.read(name);
    if (!Arrays.equals(t.shape(), expected)) {
      throw new VectorImportException(name + " has shape " + Arrays.toString(t.shape()) + ", expected "
          + Arrays.toString(expected) + " from cfg.json (d_in, d_sae)");
    }
    for (float v : t.data()) {
      if (!Float.isFinite(v)) {
        throw new VectorImportException(name + " holds NaN or infinite values");
      }
    }
    return t;
  }

  private static String string(JsonObject o, String key) {
    return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : null;
  }

  private static int positiveInt(JsonObject o, String key) {
    try {
      int v = o.get(key).getAsInt();
      if (v < 1) {
        throw new VectorImportException("cfg.json " + key + " must be ≥ 1, got " + v);
      }
      return v;
    } catch (NullPointerException | UnsupportedOperationException | NumberFormatException | IllegalStateException e) {
      throw new VectorImportException("cfg.json needs an integer " + key);
    }
  }
}
