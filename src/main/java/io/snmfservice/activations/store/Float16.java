package io.snmfservice.activations.store;

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

  /** Widens {@code count} binary16 values of src (from index 0) into dst from index {@code at}, as {@link #toFloat}. */
  public static void toFloat(java.nio.ShortBuffer src, int count, java.nio.FloatBuffer dst, int at) {
    for (int i = 0; i < count; i++) {
      dst.put(at + i, WIDE[src.get(i) & 0xFFFF]);
    }
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
