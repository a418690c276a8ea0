package io.snmfservice.vectors;

import com.google.gson.JsonObject;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HostTensor;
import io.snmfservice.transformer.loader.SafetensorsFile;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A sparse autoencoder in SAELens's on-disk layout: {@code cfg.json} (see {@link SaeConfig}) and
 * {@code sae_weights.safetensors} with {@code W_dec} [d_sae, d_in] (one row per latent) and, for encoding,
 * {@code W_enc} [d_in, d_sae], {@code b_enc} [d_sae], {@code b_dec} [d_in] and, for JumpReLU, {@code threshold}
 * [d_sae]. Every declared shape is checked against the config before the tensor is read, and every value must be
 * finite. Encoding is offered for the {@code standard} (ReLU) and {@code jumprelu} architectures on raw activations
 * ({@code normalize_activations} none); other SAEs still give their decoder rows.
 *
 * @param wEnc row-major [d_in][d_sae] flattened, or null
 * @param threshold JumpReLU thresholds, or null
 */
public record SaeCheckpoint(String hookName, HookPoint hook, int dIn, int dSae, String architecture,
    boolean applyBDecToInput, String normalizeActivations, float[][] wDec, float[] wEnc, float[] bEnc, float[] bDec,
    float[] threshold, JsonObject cfg) {

  /** Like {@link io.snmfservice.vectors.MatrixUpload#MAX_HEADER_BYTES}: five tensors need a few hundred bytes. */
  public static final long MAX_HEADER_BYTES = 1 << 20;

  /** Parses and checks a checkpoint; throws {@link VectorImportException} with the reason otherwise. */
  public static SaeCheckpoint read(String cfgJson, Path weights) {
    return read(SaeConfig.parse(cfgJson), weights);
  }

  /** Reads the weights of an already checked config; each tensor's declared shape is checked before it is read. */
  public static SaeCheckpoint read(SaeConfig c, Path weights) {
    int dIn = c.dIn();
    int dSae = c.dSae();
    try (SafetensorsFile file = SafetensorsFile.open(weights, MAX_HEADER_BYTES)) {
      if (!file.contains("W_dec")) {
        throw new VectorImportException("sae_weights.safetensors has no W_dec (tensors: " + file.names() + ")");
      }
      for (String name : new String[] {"W_dec", "W_enc", "b_enc", "b_dec", "threshold"}) {
        if (file.contains(name)) {
          requireShape(file, name, expectedShape(name, dIn, dSae));
        }
      }
      float[] wDecFlat = values(file, "W_dec");
      float[][] rows = new float[dSae][];
      for (int i = 0; i < dSae; i++) {
        rows[i] = Arrays.copyOfRange(wDecFlat, i * dIn, (i + 1) * dIn);
      }
      float[] wEnc = file.contains("W_enc") ? values(file, "W_enc") : null;
      float[] bEnc = file.contains("b_enc") ? values(file, "b_enc") : null;
      float[] bDec = file.contains("b_dec") ? values(file, "b_dec") : null;
      float[] threshold = file.contains("threshold") ? values(file, "threshold") : null;
      return new SaeCheckpoint(c.hookName(), c.hook(), dIn, dSae, c.architecture(), c.applyBDecToInput(),
          c.normalizeActivations(), rows, wEnc, bEnc, bDec, threshold, c.cfg());
    } catch (VectorImportException e) {
      throw e;
    } catch (IllegalArgumentException e) { // MalformedTensorFileException among them
      throw new VectorImportException("sae_weights.safetensors: " + e.getMessage());
    } catch (RuntimeException e) { // unreadable file
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

  private static long[] expectedShape(String name, int dIn, int dSae) {
    return switch (name) {
      case "W_dec" -> new long[] {dSae, dIn};
      case "W_enc" -> new long[] {dIn, dSae};
      case "b_dec" -> new long[] {dIn};
      default -> new long[] {dSae};
    };
  }

  private static void requireShape(SafetensorsFile file, String name, long[] expected) {
    long[] declared = file.info(name).shape();
    if (!Arrays.equals(declared, expected)) {
      throw new VectorImportException(name + " has shape " + Arrays.toString(declared) + ", expected "
          + Arrays.toString(expected) + " from cfg.json (d_in, d_sae)");
    }
  }

  private static float[] values(SafetensorsFile file, String name) {
    HostTensor t = file.read(name);
    for (float v : t.data()) {
      if (!Float.isFinite(v)) {
        throw new VectorImportException(name + " holds NaN or infinite values");
      }
    }
    return t.data();
  }
}
