package io.snmfservice.activations.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class Float16Test {

  @Test
  void decodesKnownBitPatterns() {
    assertThat(Float16.toFloat((short) 0x3C00)).isEqualTo(1.0f);
    assertThat(Float16.toFloat((short) 0xC000)).isEqualTo(-2.0f);
    assertThat(Float16.toFloat((short) 0x7BFF)).isEqualTo(65504f);
    assertThat(Float16.toFloat((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));
    assertThat(Float16.toFloat((short) 0x0400)).isEqualTo((float) Math.pow(2, -14));
    assertThat(Float16.toFloat((short) 0x3555)).isEqualTo(0.333251953125f);
    assertThat(Float16.toFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(Float16.toFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(Float16.toFloat((short) 0x7E00)).isNaN();
    assertThat(Float.floatToRawIntBits(Float16.toFloat((short) 0x8000))).isEqualTo(0x80000000);
  }

  /** The array widening (a lookup table, used by the .act reader) gives toFloat's bits for all 65,536 patterns. */
  @Test
  void bulkWideningMatchesToFloatBitForBit() {
    java.nio.ShortBuffer all = java.nio.ShortBuffer.allocate(0x10000);
    for (int bits = 0; bits < 0x10000; bits++) {
      all.put(bits, (short) bits);
    }
    float[] heap = new float[0x10001];
    Float16.toFloat(all, 0x10000, heap, 1);
    for (int bits = 0; bits < 0x10000; bits++) {
      int expected = Float.floatToRawIntBits(Float16.toFloat((short) bits));
      assertThat(Float.floatToRawIntBits(heap[bits + 1])).as("bits %04x", bits).isEqualTo(expected);
    }
  }

  /**
   * The ByteBuffer widening (SIMD lanes where the JVM has the Vector API, as the tests' JVM does) gives toFloat's
   * bits at every offset and length around a vector's width, so the lanes and the tail both get checked.
   */
  @Test
  void simdWideningMatchesToFloatAtEveryAlignment() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
        && jdk.incubator.vector.IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256) {
      assertThat(Float16.widening()).endsWith("-lane vectors");
    }
    int count = 0x10000 + 40;
    ByteBuffer halves = ByteBuffer.allocateDirect((count + 40) * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count + 40; i++) {
      halves.putShort(i * 2, (short) (i * 7919)); // every pattern, in an order no vector lines up with
    }
    ByteBuffer floats = ByteBuffer.allocateDirect((count + 40) * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < 20; from++) {
      for (int length : new int[] {0, 1, 7, 15, 16, 17, 31, 33, 64, count - from}) {
        int at = 19 - from;
        floats.putInt((at + length) * 4, 0x12345678); // the first value after the range stays untouched
        Float16.toFloat(halves, from, length, floats, at);
        for (int i = 0; i < length; i++) {
          int expected = Float.floatToRawIntBits(Float16.toFloat(halves.getShort((from + i) * 2)));
          int actual = floats.getInt((at + i) * 4);
          if (actual != expected) { // assert only on a difference: millions of values
            assertThat(actual).as("from %d length %d value %d", from, length, i).isEqualTo(expected);
          }
        }
        assertThat(floats.getInt((at + length) * 4)).isEqualTo(0x12345678);
      }
    }
  }

  @Test
  void bulkWideningRejectsRangesOutsideItsBuffers() {
    ByteBuffer halves = ByteBuffer.allocateDirect(32).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer floats = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
    assertThatThrownBy(() -> Float16.toFloat(halves, 1, 16, floats, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> Float16.toFloat(halves, 0, 16, floats, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> Float16.toFloat(halves.duplicate().order(ByteOrder.BIG_ENDIAN), 0, 1, floats, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * All 65,536 bit patterns against binary16 as IEEE 754 defines it, computed in double: subnormals, zeros of
   * both signs, infinities, and NaNs with their sign and payload kept (the safetensors loader and the .act reader
   * both decode through {@link Float16}).
   */
  @Test
  void decodesEveryBitPatternAsIeeeDefines() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float decoded = Float16.toFloat((short) bits);
      int sign = bits >>> 15;
      int exponent = (bits >>> 10) & 0x1F;
      int fraction = bits & 0x3FF;
      if (exponent == 0x1F && fraction != 0) {
        assertThat(decoded).as("bits %04x", bits).isNaN();
        assertThat(Float.floatToRawIntBits(decoded)).as("bits %04x", bits)
            .isEqualTo((sign << 31) | 0x7F800000 | (fraction << 13));
        continue;
      }
      double magnitude = exponent == 0x1F ? Double.POSITIVE_INFINITY
          : exponent == 0 ? fraction * Math.pow(2, -24)
          : (1 + fraction / 1024.0) * Math.pow(2, exponent - 15);
      float expected = (float) (sign == 1 ? -magnitude : magnitude);
      assertThat(Float.floatToRawIntBits(decoded)).as("bits %04x", bits)
          .isEqualTo(Float.floatToRawIntBits(expected));
    }
  }

  @Test
  void everyHalfValueSurvivesARoundTrip() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = Float16.toFloat((short) bits);
      if (Float.isNaN(f)) {
        assertThat(Float.isNaN(Float16.toFloat(Float16.fromFloat(f)))).isTrue();
      } else {
        assertThat(Float16.fromFloat(f) & 0xFFFF).as("bits %04x", bits).isEqualTo(bits);
      }
    }
  }

  @Test
  void roundsToNearestWithTiesToEven() {
    // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties go to the even 1.0
    assertThat(Float16.fromFloat(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
    // 1 + 3*2^-11 lies halfway between 1+2^-10 (odd) and 1+2^-9 (even)
    assertThat(Float16.fromFloat(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
    assertThat(Float16.fromFloat(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
    assertThat(Float16.fromFloat(65520f)).isEqualTo((short) 0x7C00); // rounds up past max
    assertThat(Float16.fromFloat(65519f)).isEqualTo((short) 0x7BFF);
    assertThat(Float16.fromFloat(0x1p-25f)).isEqualTo((short) 0x0000); // tie to even zero
    assertThat(Float16.fromFloat(0x1.8p-25f)).isEqualTo((short) 0x0001);
    assertThat(Float16.fromFloat(1e-10f)).isEqualTo((short) 0x0000);
    assertThat(Float16.fromFloat(-0.1f)).isEqualTo((short) 0xAE66);
  }

  @Test
  void nearestHalfIsNeverFartherThanAnyNeighbour() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      float x = (float) ((r.nextDouble() - 0.5) * Math.pow(2, r.nextInt(-26, 17)));
      short h = Float16.fromFloat(x);
      double err = Math.abs(Float16.toFloat(h) - (double) x);
      for (int delta : new int[] {-1, 1}) {
        float other = Float16.toFloat((short) (h + delta));
        if (!Float.isNaN(other) && !Float.isInfinite(other) && Math.signum(other) * Math.signum(x) >= 0) {
          assertThat(err).as("x=%s", x).isLessThanOrEqualTo(Math.abs(other - (double) x));
        }
      }
    }
  }
}
