package io.snmfservice.vectors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.snmfservice.transformer.HookPoint;
import java.math.BigDecimal;

/**
 * The {@code cfg.json} of a SAELens SAE: {@code hook_name} (newer versions nest it under {@code metadata}),
 * {@code d_in}, {@code d_sae}, {@code architecture}, {@code apply_b_dec_to_input}, {@code normalize_activations}.
 * Parsed before the weights so a caller can check d_in against the model and d_sae against its row limit before
 * anything is allocated; d_in × d_sae must fit one array.
 */
public record SaeConfig(String hookName, HookPoint hook, int dIn, int dSae, String architecture,
    boolean applyBDecToInput, String normalizeActivations, JsonObject cfg) {

  /** SAELens writes a few hundred bytes; a bound keeps a 64 MB "cfg.json" from becoming a huge JSON tree. */
  public static final int MAX_CHARS = 1 << 20;
  private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** Parses and checks a cfg.json; throws {@link VectorImportException} naming the field otherwise. */
  public static SaeConfig parse(String cfgJson) {
    if (cfgJson.length() > MAX_CHARS) {
      throw new VectorImportException("cfg.json is " + cfgJson.length() + " characters long, at most " + MAX_CHARS);
    }
    JsonObject cfg;
    try {
      JsonElement parsed = JsonParser.parseString(cfgJson);
      if (!parsed.isJsonObject()) {
        throw new VectorImportException("cfg.json must be a JSON object");
      }
      cfg = parsed.getAsJsonObject();
    } catch (JsonParseException | StackOverflowError e) { // deeply nested junk overflows the parser's stack
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
    if ((long) dIn * dSae > MAX_ARRAY_LENGTH) {
      throw new VectorImportException("cfg.json d_sae × d_in (" + dSae + " × " + dIn + ") is more than one array"
          + " can hold");
    }
    String architecture = string(cfg, "architecture") == null ? "standard" : string(cfg, "architecture");
    String normalize = string(cfg, "normalize_activations") == null ? "none" : string(cfg, "normalize_activations");
    return new SaeConfig(hookName, hook, dIn, dSae, architecture, bool(cfg, "apply_b_dec_to_input", true), normalize,
        cfg);
  }

  private static String string(JsonObject o, String key) {
    return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : null;
  }

  private static boolean bool(JsonObject o, String key, boolean absent) {
    JsonElement v = o.get(key);
    if (v == null || v.isJsonNull()) {
      return absent;
    }
    if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isBoolean()) {
      throw new VectorImportException("cfg.json " + key + " must be true or false");
    }
    return v.getAsBoolean();
  }

  /** An exact integer ≥ 1 (Gson's getAsInt would silently truncate 4294967297 to 1). */
  private static int positiveInt(JsonObject o, String key) {
    JsonElement v = o.get(key);
    if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber() || v.getAsString().length() > 40) {
      throw new VectorImportException("cfg.json needs an integer " + key);
    }
    int value;
    try {
      value = new BigDecimal(v.getAsString()).intValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new VectorImportException("cfg.json " + key + " is " + v.getAsString() + ", not a 32-bit integer");
    }
    if (value < 1) {
      throw new VectorImportException("cfg.json " + key + " must be ≥ 1, got " + value);
    }
    return value;
  }
}
