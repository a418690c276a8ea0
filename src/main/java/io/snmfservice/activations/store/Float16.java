package io.snmfservice.activations.store;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * IEEE 754 binary16 conversions (Java 17 has no {@code Float.float16ToFloat}).
 *
 * <p>Layout: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. Conversion to half rounds to
 * nearest, ties to even; values beyond 65504 (after rounding) become infinity; NaN stays NaN.
 */
public final class Float16 {

  private Float16() {}

  /** Every binary16 pattern widened (256 KiB): a lookup is ~3× faster than {@link #toFloat} on a file's values. */
  private static final float[] WIDE = new float[1 << 16];

  static {
    for (int h = 0; h < WIDE.length; h++) {
      WIDE[h] = toFloat((short) h);
    }
  }

  /** Bulk widening of little-endian binary16 values into little-endian float32 values, exactly as {@link #toFloat}. */
  interface Widener {
    /** Values [from, from + count) of halves to floats from value {@code at} (indices from the buffers' starts). */
    void widen(ByteBuffer halves, int from, int count, ByteBuffer floats, int at);
  }

  /** The lookup table, one value at a time: any JVM. */
  static final Widener TABLE = new Widener() {
    @Override
    public void widen(ByteBuffer halves, int from, int count, ByteBuffer floats, int at) {
      for (int i = 0; i < count; i++) {
        floats.putFloat((at + i) * 4, WIDE[halves.getShort((from + i) * 2) & 0xFFFF]);
      }
    }

    @Override
    public String toString() {
      return "lookup table";
    }
  };

  /** The widener this JVM uses, and what the start-up log says of it. */
  private record Choice(Widener widener, String description) {}

  /** Chosen on first bulk use, so that decoding single values (checkpoint loaders) never pays for the choice. */
  private static final class Bulk {
    static final Choice CHOICE = choose();
  }

  /**
   * Widens values {@code [from, from + count)} of little-endian binary16 halves into little-endian float32 floats from
   * value {@code at} (indices from each buffer's start, positions ignored), exactly as {@link #toFloat}. With SIMD
   * lanes where the JVM has the Vector API ({@link #widening()}), 2–3× the table's speed on streamed files.
   */
  public static void toFloat(ByteBuffer halves, int from, int count, ByteBuffer floats, int at) {
    Objects.checkFromIndexSize(from * 2L, count * 2L, halves.capacity());
    Objects.checkFromIndexSize(at * 4L, count * 4L, floats.capacity());
    if (halves.order() != ByteOrder.LITTLE_ENDIAN || floats.order() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalArgumentException("float16 and float32 buffers are little-endian");
    }
    Bulk.CHOICE.widener().widen(halves, from, count, floats, at);
  }

  /** How {@link #toFloat(ByteBuffer, int, int, ByteBuffer, int)} widens on this JVM, and why, for the start-up log. */
  public static String widening() {
    return Bulk.CHOICE.description();
  }

  /**
   * The Vector API widener if this JVM resolved jdk.incubator.vector, compiles with C2, has wide enough lanes, and the
   * lanes match the table on every pattern; else the table, with the reason. Loaded by name so that without the
   * module nothing links against it.
   */
  private static Choice choose() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return tableBecause("start the JVM with --add-modules jdk.incubator.vector for SIMD lanes");
    }
    if (!optimizingJit()) {
      return tableBecause("SIMD lanes need the C2 compiler");
    }
    try {
      Widener lanes = (Widener) Class.forName(Float16.class.getPackageName() + ".Float16Lanes")
          .getDeclaredConstructor().newInstance();
      warmUp(lanes); // first: compiled, the check below takes milliseconds instead of a fifth of a second
      return matchesTable(lanes) ? new Choice(lanes, lanes.toString()) : tableBecause("SIMD lanes differed from it");
    } catch (InvocationTargetException e) {
      return tableBecause("SIMD lanes unavailable: " + e.getCause().getMessage()); // vectors too narrow
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return tableBecause("SIMD lanes unavailable: " + e); // a Vector API other than the one compiled against
    }
  }

  private static Choice tableBecause(String reason) {
    return new Choice(TABLE, TABLE + " (" + reason + ")");
  }

  /**
   * Small calls until C2 has compiled the lanes (about half a CPU second): until then each vector operation allocates,
   * and the first streamed chunk's 33 M values a core took 0.4 s instead of 8 ms and left 400 MB of garbage.
   */
  private static void warmUp(Widener lanes) {
    int count = 1024 + 7; // with a tail, or C2 leaves the tail out and the first call that has one deoptimizes
    ByteBuffer halves = ByteBuffer.allocateDirect(2 * count).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer floats = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.LITTLE_ENDIAN);
    int fast = 0;
    for (int call = 0; call < 20_000 && fast < 3; call++) {
      long start = System.nanoTime();
      lanes.widen(halves, 0, count, floats, 0);
      // compiled lanes take ~0.3 µs here; interpreted or C1-compiled ones 10 µs and more
      fast = System.nanoTime() - start < 2_000 ? fast + 1 : 0;
    }
  }

  /** Whether C2 compiles hot code: only it turns vector operations into SIMD; elsewhere (C1, -Xint) they crawl. */
  private static boolean optimizingJit() {
    try {
      HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return hotspot != null
          && Boolean.parseBoolean(hotspot.getVMOption("UseCompiler").getValue())
          && (!Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue())
              || Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue()) >= 4);
    } catch (RuntimeException | LinkageError e) {
      return false; // not HotSpot: keep the table
    }
  }

  /** All 65,536 patterns, at an odd offset with a tail shorter than any vector, bit for bit. */
  private static boolean matchesTable(Widener w) {
    int count = WIDE.length + 7;
    ByteBuffer halves = ByteBuffer.allocateDirect((count + 3) * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      halves.putShort((i + 3) * 2, (short) i);
    }
    ByteBuffer floats = ByteBuffer.allocateDirect((count + 1) * 4).order(ByteOrder.LITTLE_ENDIAN);
    w.widen(halves, 3, count, floats, 1);
    for (int i = 0; i < count; i++) {
      if (floats.getInt((i + 1) * 4) != Float.floatToRawIntBits(WIDE[i & 0xFFFF])) {
        return false;
      }
    }
    return true;
  }

  /** Widens {@code count} binary16 values of src (from index 0) into dst from index {@code at}, as {@link #toFloat}. */
  public static void toFloat(java.nio.ShortBuffer src, int count, float[] dst, int at) {
    for (int i = 0; i < count; i++) {
      dst[at + i] = WIDE[src.get(i) & 0xFFFF];
    }
  }

  /** Widens a binary16 bit pattern to float (exact). */
  public static float toFloat(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1F;
    int frac = h & 0x3FF;
    if (exp == 0x1F) {
      // infinity or NaN; keep the payload bits
      return Float.intBitsToFloat(sign | 0x7F800000 | (frac << 13));
    }
    if (exp == 0) {
      if (frac == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal half: frac * 2^-24, exactly representable as a normal float
      float magnitude = frac * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (frac << 13));
  }

  /** Narrows a float to the nearest binary16 bit pattern (round half to even). */
  public static short fromFloat(float value) {
    int f = Float.floatToRawIntBits(value);
    int sign = (f >>> 16) & 0x8000;
    int exp = (f >>> 23) & 0xFF;
    int mant = f & 0x7FFFFF;
    if (exp == 0xFF) {
      if (mant == 0) {
        return (short) (sign | 0x7C00);
      }
      return (short) (sign | 0x7E00 | (mant >>> 13)); // quiet NaN, keep top payload bits
    }
    int e = exp - 127 + 15; // rebias
    if (e >= 0x1F) {
      return (short) (sign | 0x7C00); // overflow to infinity
    }
    if (e <= 0) {
      // subnormal half (or zero): shift the full significand right, round to nearest even
      if (e < -10) {
        return (short) sign; // below half of the smallest subnormal: rounds to zero
      }
      int significand = mant | 0x800000; // implicit leading one
      int shift = 14 - e; // 13 fraction bits dropped plus (1 - e) for the subnormal position
      int half = significand >>> shift;
      int rest = significand & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++; // a carry into the exponent is correct, up to infinity
    }
    return (short) (sign | half);
  }
}
