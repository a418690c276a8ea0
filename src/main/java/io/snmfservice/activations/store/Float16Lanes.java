package io.snmfservice.activations.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * binary16 → float32 widening with SIMD lanes (the incubating Vector API). Loaded only through
 * {@link Float16}'s bulk widening, which checks it against the lookup table first, so a JVM started without
 * {@code --add-modules jdk.incubator.vector}, or one whose Vector API differs from Java 17's, keeps the table.
 *
 * <p>Per lane, with the 15 exponent-and-fraction bits shifted into float32's place: normals re-bias the exponent
 * by an integer add; subnormals (exponent 0) become 1.fraction × 2⁻¹⁴ minus 2⁻¹⁴, exact, and with no subnormal
 * operand (which costs some CPUs a slow assist); exponent 31 (inf, NaN) gets float32's all-ones exponent with the
 * payload kept; the sign goes back on last.
 */
final class Float16Lanes implements Float16.Widener {

  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  /** As many shorts as INTS has ints, so one load fills one widened vector. */
  private static final VectorSpecies<Short> SHORTS =
      VectorSpecies.of(short.class, VectorShape.forBitSize(INTS.vectorBitSize() / 2));
  /** 2⁻¹⁴, the smallest normal half: subtracted from 1.fraction × 2⁻¹⁴ it leaves the subnormal 0.fraction × 2⁻¹⁴. */
  private static final float SMALLEST_NORMAL = 0x1p-14f;

  Float16Lanes() {
    // below 256-bit vectors (no AVX2) the lanes are emulated or too narrow to beat the table
    if (INTS.vectorBitSize() < 256) {
      throw new UnsupportedOperationException("vectors are " + INTS.vectorBitSize() + " bits here, below 256");
    }
  }

  @Override
  public void widen(ByteBuffer halves, int from, int count, ByteBuffer floats, int at) {
    int lanes = INTS.length();
    int i = 0;
    for (; i + lanes <= count; i += lanes) {
      IntVector h = (IntVector) ShortVector.fromByteBuffer(SHORTS, halves, (from + i) * 2, ByteOrder.LITTLE_ENDIAN)
          .convertShape(VectorOperators.S2I, INTS, 0); // sign-extended: bit 31 is the half's sign
      IntVector magnitude = h.and(0x7FFF);
      IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
      IntVector normal = shifted.add(112 << 23);
      IntVector subnormal = shifted.add(113 << 23).reinterpretAsFloats().sub(SMALLEST_NORMAL).reinterpretAsInts();
      IntVector bits = normal
          .blend(subnormal, magnitude.compare(VectorOperators.LT, 0x0400))
          .blend(shifted.or(0x7F800000), magnitude.compare(VectorOperators.GE, 0x7C00));
      bits.or(h.and(0x80000000)).reinterpretAsFloats()
          .intoByteBuffer(floats, (at + i) * 4, ByteOrder.LITTLE_ENDIAN);
    }
    Float16.TABLE.widen(halves, from + i, count - i, floats, at + i);
  }

  @Override
  public String toString() {
    return INTS.length() + "-lane vectors";
  }
}
