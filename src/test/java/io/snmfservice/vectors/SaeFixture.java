package io.snmfservice.vectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The trained fortunes SAE and its independent reference latents in ../shared (never copied into the repo). */
public final class SaeFixture {

  public static final Path DIR = Path.of("../shared/models/fortunes-sae-resid2");
  public static final Path CFG = DIR.resolve("cfg.json");
  public static final Path WEIGHTS = DIR.resolve("sae_weights.safetensors");
  public static final Path REFERENCE = Path.of("../shared/fixtures/fortunes-sae-resid2-reference.json");

  private SaeFixture() {}

  public static JsonNode reference() {
    try {
      return JsonMapper.builder().build().readTree(Files.readString(REFERENCE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String cfg() {
    try {
      return Files.readString(CFG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Largest |value| difference over the ranked top latents, and how many nonzero ids differ (ties excepted). */
  public record TopDiff(double maxValueDiff, int idMismatches) {}

  /**
   * Compares our top latents (ids and values, largest first) with the reference's. A nonzero reference latent's id
   * must match unless its value is within 1e-3 of a neighbour's (then the order of the two is float noise).
   */
  public static TopDiff compare(int[] ids, float[] values, JsonNode reference) {
    JsonNode refIds = reference.get("ids");
    JsonNode refValues = reference.get("values");
    double max = 0;
    int mismatches = 0;
    for (int k = 0; k < refIds.size(); k++) {
      double refValue = refValues.get(k).asDouble();
      max = Math.max(max, Math.abs(refValue - values[k]));
      boolean tied = (k > 0 && Math.abs(refValues.get(k - 1).asDouble() - refValue) < 1e-3)
          || (k + 1 < refIds.size() && Math.abs(refValues.get(k + 1).asDouble() - refValue) < 1e-3);
      if (refValue > 0 && !tied && refIds.get(k).asInt() != ids[k]) {
        mismatches++;
      }
    }
    return new TopDiff(max, mismatches);
  }
}
