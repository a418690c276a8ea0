package io.snmfservice.transformer.loader;

/** Conversions of 16-bit floats (IEEE half and bfloat16) to float32. */
final class HalfFloats {

  private HalfFloats() {}

  /** bfloat16 is the upper half of a float32: shift it back. */
  static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) to float32, subnormals and inf/NaN included. */
  static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal: value = mantissa · 2^-24
      float value = mantissa * 0x1p-24f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
