package io.snmfservice.vectors.service;

import io.snmfservice.support.HostileFiles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates vector-set uploads for a model with d_model 128 at {@code blocks.1.hook_resid_pre}: three valid ones
 * (an .npy matrix, a safetensors matrix, a small SAELens SAE) and, from a seed, mutations of them that are each
 * invalid by construction — hostile, overflowing or inconsistent shapes and offsets, wrong dtypes, lying header
 * lengths, truncated data, non-finite values, junk cfg.json — so every one must be refused and nothing stored.
 */
final class HostileUploads {

  static final String HOOK = "blocks.1.hook_resid_pre";
  static final int WIDTH = 128;
  static final int ROWS = 3;
  static final int D_SAE = 8;

  /** One upload: the form's parts (part → file name, bytes) and fields, and what was done to it. */
  record Upload(String kind, String mutation, Map<String, Map.Entry<String, byte[]>> parts, Map<String, String> fields) {}

  /** A safetensors tensor as its header describes it; {@code shape} is JSON so it can say anything. */
  private record Entry(String name, String dtype, String shape, long begin, long end) {}

  private static final String[] HOSTILE_NPY_SHAPES = {"(4294967296, 4294967296)", "(9223372036854775807, 2)",
      "(7378697629483820697, 5)", "(4611686018427387907, 128)", "(-3, 128)", "(3, -128)", "(0, 128)", "(3, 129)",
      "(128, 3)", "(384,)", "(3, 128, 1)", "()", "(3.0, 128)", "(abc, 128)", "(131073, 128)",
      "(99999999999999999999, 128)", "(2147483639, 2147483639)", "(-9223372036854775808, -1)"};
  private static final String[] HOSTILE_SHAPES = {"[4294967296,4294967296]", "[9223372036854775807,2]",
      "[4611686018427387907,128]", "[-3,128]", "[3,-128]", "[0,128]", "[3,129]", "[128,3]", "[384]", "[3,128,1]",
      "[]", "[1.5,128]", "[\"3\",128]", "[131073,128]", "[1e30,2]", "[99999999999999999999]", "3", "null",
      "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,384]", "[-9223372036854775808,-1]",
      "[" + "1,".repeat(200_000) + "384]"};
  private static final String[] BAD_DESCRS = {"<i4", ">f4", "|u1", "<c8", "<f8", "<f2", "|O", ""};
  private static final String[] BAD_DTYPES = {"I64", "F128", "f32", "U8", "F16", "BF16", "F64", "BOOL", ""};
  private static final String[] JUNK_JSON = {"[]", "{", "{\"v\":3}", "{\"v\":{}}", "null", "\"x\"", "",
      "[".repeat(5000), "{\"a\":".repeat(3000), "[" + "0,".repeat(600_000) + "0]"};

  private final Random random;

  HostileUploads(long seed) {
    this.random = new Random(seed);
  }

  // ---- the valid originals ----

  static Upload validNpy() {
    return matrix("valid", "m.npy", HostileFiles.npy(HostileFiles.npyHeader("<f4", "(3, 128)"), values(ROWS * WIDTH)));
  }

  static Upload validSafetensors() {
    return matrix("valid", "m.safetensors", safetensors(matrixEntries(), values(ROWS * WIDTH), null));
  }

  static Upload validSae() {
    return sae("valid", cfg(Map.of()), safetensors(saeEntries(), values(saeValues()), null));
  }

  /** The reported attack: 1,140 bytes whose shape (7378697629483820697, 5) wraps to 253 elements in 64 bits. */
  static Upload reportedAttack() {
    return matrix("reported attack", "attack.npy",
        HostileFiles.npy(HostileFiles.npyHeader("<f4", "(7378697629483820697, 5)"), new byte[253 * 4]));
  }

  // ---- mutations ----

  Upload next() {
    return switch (random.nextInt(3)) {
      case 0 -> hostileNpy();
      case 1 -> {
        Mutated m = hostileSafetensors(matrixEntries(), values(ROWS * WIDTH));
        yield matrix("safetensors: " + m.what(), "m.safetensors", m.bytes());
      }
      default -> hostileSae();
    };
  }

  private Upload hostileNpy() {
    byte[] data = values(ROWS * WIDTH);
    int choice = random.nextInt(8);
    switch (choice) {
      case 0 -> {
        String shape = random.nextInt(4) == 0 ? "(" + randomLong() + ", " + randomLong() + ")" : pick(HOSTILE_NPY_SHAPES);
        return matrix("npy: shape " + shape, "m.npy", HostileFiles.npy(HostileFiles.npyHeader("<f4", shape), data));
      }
      case 1 -> {
        String descr = pick(BAD_DESCRS);
        return matrix("npy: descr " + descr, "m.npy", HostileFiles.npy(HostileFiles.npyHeader(descr, "(3, 128)"), data));
      }
      case 2 -> {
        setNonFinite(data);
        return matrix("npy: non-finite value", "m.npy", HostileFiles.npy(HostileFiles.npyHeader("<f4", "(3, 128)"),
            data));
      }
      default -> { }
    }
    byte[] file = HostileFiles.npy(HostileFiles.npyHeader("<f4", "(3, 128)"), data);
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = Short.toUnsignedInt(b.getShort(8));
    switch (choice) {
      case 3 -> {
        int length = random.nextBoolean() ? headerLength + 1 + random.nextInt(65535 - headerLength)
            : random.nextInt(headerLength);
        b.putShort(8, (short) length);
        return matrix("npy: header length " + length + " of " + headerLength, "m.npy", file);
      }
      case 4 -> {
        byte version = pick(new byte[] {0, 2, 3, 4, 9, (byte) 255});
        file[6] = version;
        if (version == 3) { // v3 reads a 4-byte length; keep it beyond the file
          b.putInt(8, file.length + random.nextInt(Integer.MAX_VALUE - file.length));
        }
        return matrix("npy: version " + version, "m.npy", file);
      }
      case 5 -> {
        int cut = 1 + random.nextInt(file.length - 1);
        return matrix("npy: truncated by " + cut, "m.npy", Arrays.copyOf(file, file.length - cut));
      }
      case 6 -> {
        int extra = 1 + random.nextInt(64);
        return matrix("npy: appended " + extra + " bytes", "m.npy", Arrays.copyOf(file, file.length + extra));
      }
      default -> {
        file[random.nextInt(6)] ^= (byte) (1 + random.nextInt(255));
        return matrix("npy: magic broken", "m.npy", file);
      }
    }
  }

  private Upload hostileSae() {
    byte[] weights = safetensors(saeEntries(), values(saeValues()), null);
    String cfg = cfg(Map.of());
    String mutation;
    switch (random.nextInt(4)) {
      case 0 -> {
        String key = pick(new String[] {"d_sae", "d_in", "hook_name", "apply_b_dec_to_input"});
        String value = switch (key) {
          case "d_sae" -> pick(new String[] {"4294967304", "-8", "0", "8.5", "\"8\"", "1e30", "65536", "131073", "9",
              "7", "null", "[8]"});
          case "d_in" -> pick(new String[] {"4294967424", "64", "0", "-128", "129", "1e3", "\"128\"", "{}"});
          case "hook_name" -> pick(new String[] {"\"blocks.99.hook_resid_pre\"", "\"blocks.1.attn.hook_z\"", "7",
              "\"blocks.-1.hook_resid_pre\"", "\"\"", "null", "\"blocks.1.mlp.hook_post\""});
          default -> pick(new String[] {"{}", "\"yes\"", "[true]", "7"});
        };
        cfg = cfg(Map.of(key, value));
        mutation = "cfg.json " + key + " " + value;
      }
      case 1 -> {
        cfg = random.nextBoolean() ? pick(JUNK_JSON) : new String(randomBytes(1 + random.nextInt(200)),
            StandardCharsets.ISO_8859_1);
        mutation = "cfg.json junk";
      }
      case 2 -> {
        List<Entry> entries = new ArrayList<>(saeEntries());
        entries.remove(0); // W_dec
        weights = safetensors(entries, values(saeValues()), null);
        mutation = "no W_dec";
      }
      default -> {
        Mutated m = hostileSafetensors(saeEntries(), values(saeValues()));
        return sae("sae-weights: " + m.what(), cfg, m.bytes());
      }
    }
    return sae("sae: " + mutation, cfg, weights);
  }

  /** A mutated safetensors file: each branch breaks a rule the reader must enforce. */
  private Mutated hostileSafetensors(List<Entry> original, byte[] originalData) {
    List<Entry> entries = new ArrayList<>(original);
    byte[] data = originalData.clone();
    int target = random.nextInt(entries.size());
    Entry e = entries.get(target);
    String what;
    Long headerLength = null;
    switch (random.nextInt(8)) {
      case 0 -> {
        String shape = random.nextInt(4) == 0 ? "[" + randomLong() + "," + randomLong() + "]" : pick(HOSTILE_SHAPES);
        if (shape.equals(e.shape())) {
          shape = "[4294967296,4294967296]";
        }
        entries.set(target, new Entry(e.name(), e.dtype(), shape, e.begin(), e.end()));
        what = "shape of " + e.name() + " " + shape;
      }
      case 1 -> {
        long size = e.end() - e.begin();
        // begin > end, negative, inconsistent with the shape, past the data, over a neighbour (or before the data)
        long[][] choices = {{e.end(), e.begin()}, {-size, 0}, {e.begin(), e.end() + 1 + random.nextInt(1000)},
            {e.begin(), e.end() - 1 - random.nextInt((int) size)}, {e.begin() + 4, e.end() + 4},
            {Long.MAX_VALUE - size, Long.MAX_VALUE}, {0, 1L << 62}, {e.begin() - 4, e.end() - 4},
            {Long.MIN_VALUE, e.end()}};
        long[] offsets = choices[random.nextInt(choices.length)];
        entries.set(target, new Entry(e.name(), e.dtype(), e.shape(), offsets[0], offsets[1]));
        what = "data_offsets of " + e.name() + " " + Arrays.toString(offsets);
      }
      case 2 -> {
        String dtype = pick(BAD_DTYPES);
        entries.set(target, new Entry(e.name(), dtype, e.shape(), e.begin(), e.end()));
        what = "dtype of " + e.name() + " " + dtype;
      }
      case 3 -> {
        int index = (int) (e.begin() / 4) + random.nextInt((int) ((e.end() - e.begin()) / 4));
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat(index * 4, nonFinite());
        what = "non-finite value in " + e.name();
      }
      case 4 -> {
        long actual = headerBytes(entries).length;
        // beyond the file, negative, too short to be JSON, eating into the data, cutting the JSON
        long[] choices = {Long.MAX_VALUE, -1, 0, 1, actual + 1 + random.nextInt(data.length), actual - 1
            - random.nextInt((int) actual - 1), Long.MIN_VALUE, actual + (1L << 32)};
        headerLength = choices[random.nextInt(choices.length)];
        what = "header length " + headerLength + " of " + actual;
      }
      case 5 -> {
        byte[] file = safetensors(entries, data, null);
        int cut = 1 + random.nextInt(file.length - 1);
        return new Mutated("truncated by " + cut, Arrays.copyOf(file, file.length - cut));
      }
      case 6 -> {
        String junk = pick(JUNK_JSON);
        byte[] hb = junk.getBytes(StandardCharsets.UTF_8);
        return new Mutated("header junk " + abbreviate(junk), HostileFiles.safetensors(hb.length, junk, data));
      }
      default -> {
        // two tensors over the same bytes: the target claims its neighbour's offsets (or, alone, half its own)
        Entry other = entries.get((target + 1) % entries.size());
        if (other == e) {
          entries.add(new Entry("twin", e.dtype(), "[" + (e.end() - e.begin()) / 8 + "]", e.begin(),
              e.begin() + (e.end() - e.begin()) / 2));
        } else {
          entries.set(target, new Entry(e.name(), other.dtype(), other.shape(), other.begin(), other.end()));
        }
        what = "overlapping data_offsets of " + e.name();
      }
    }
    return new Mutated(what, safetensors(entries, data, headerLength));
  }

  private record Mutated(String what, byte[] bytes) {}

  // ---- building blocks ----

  private static List<Entry> matrixEntries() {
    return List.of(new Entry("v", "F32", "[3,128]", 0, ROWS * WIDTH * 4L));
  }

  private static List<Entry> saeEntries() {
    long wDec = D_SAE * WIDTH * 4L;
    long bEnc = D_SAE * 4L;
    return List.of(new Entry("W_dec", "F32", "[8,128]", 0, wDec), new Entry("W_enc", "F32", "[128,8]", wDec, 2 * wDec),
        new Entry("b_enc", "F32", "[8]", 2 * wDec, 2 * wDec + bEnc),
        new Entry("b_dec", "F32", "[128]", 2 * wDec + bEnc, 2 * wDec + bEnc + WIDTH * 4L));
  }

  private static int saeValues() {
    return 2 * D_SAE * WIDTH + D_SAE + WIDTH;
  }

  static String cfg(Map<String, String> overrides) {
    Map<String, String> cfg = new LinkedHashMap<>();
    cfg.put("hook_name", "\"" + HOOK + "\"");
    cfg.put("d_in", Integer.toString(WIDTH));
    cfg.put("d_sae", Integer.toString(D_SAE));
    cfg.put("architecture", "\"standard\"");
    cfg.put("apply_b_dec_to_input", "true");
    cfg.put("normalize_activations", "\"none\"");
    cfg.putAll(overrides);
    StringBuilder json = new StringBuilder("{");
    cfg.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return json.append('}').toString();
  }

  private static byte[] headerBytes(List<Entry> entries) {
    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    for (Entry e : entries) {
      header.append(",\"").append(e.name()).append("\":{\"dtype\":\"").append(e.dtype()).append("\",\"shape\":")
          .append(e.shape()).append(",\"data_offsets\":[").append(e.begin()).append(',').append(e.end()).append("]}");
    }
    return header.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The header is exactly as long as its JSON (no padding, so a shorter declared length always cuts the JSON);
   * {@code declaredHeaderLength} null for the true length.
   */
  private static byte[] safetensors(List<Entry> entries, byte[] data, Long declaredHeaderLength) {
    byte[] header = headerBytes(entries);
    return HostileFiles.safetensors(declaredHeaderLength == null ? header.length : declaredHeaderLength,
        new String(header, StandardCharsets.UTF_8), data);
  }

  /** Small finite float32 values, deterministic. */
  private static byte[] values(int count) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = ((i * 37) % 101 - 50) / 100f;
    }
    return HostileFiles.f32(v);
  }

  private void setNonFinite(byte[] data) {
    if (data.length >= 4) {
      ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * random.nextInt(data.length / 4), nonFinite());
    }
  }

  private float nonFinite() {
    return pick(new Float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
  }

  private long randomLong() {
    return switch (random.nextInt(3)) {
      case 0 -> random.nextLong();
      case 1 -> (1L << (31 + random.nextInt(32))) + random.nextInt(1000);
      default -> -1 - random.nextInt(1 << 20);
    };
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private <T> T pick(T[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  private byte pick(byte[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static String abbreviate(String s) {
    return s.length() > 30 ? s.substring(0, 30) + "…" : s;
  }

  private static Upload matrix(String mutation, String fileName, byte[] file) {
    return new Upload("matrix", mutation, file == null ? Map.of() : Map.of("file", Map.entry(fileName, file)),
        Map.of("kind", "matrix", "hook", HOOK));
  }

  private static Upload sae(String mutation, String cfg, byte[] weights) {
    return new Upload("sae", mutation, weights == null ? Map.of() : Map.of("cfg",
        Map.entry("cfg.json", cfg.getBytes(StandardCharsets.UTF_8)), "weights", Map.entry("sae_weights.safetensors",
        weights)), Map.of("kind", "sae"));
  }
}
