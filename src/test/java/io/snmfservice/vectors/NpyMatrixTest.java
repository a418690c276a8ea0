package io.snmfservice.vectors;

import static io.snmfservice.support.HostileFiles.f32;
import static io.snmfservice.support.HostileFiles.npy;
import static io.snmfservice.support.HostileFiles.npyHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The .npy reader on well-formed files and on headers written to make it allocate or crash. */
class NpyMatrixTest {

  private static final MatrixLimits LIMITS = new MatrixLimits(10, 3, "the hook has width 3 (d_model)");

  @Test
  void readsCAndFortranOrderAndASingleVector() {
    float[][] c = NpyMatrix.read(npy(npyHeader("<f4", "(2, 3)"), f32(1, 2, 3, 4, 5, 6)), LIMITS);
    assertThat(c).isDeepEqualTo(new float[][] {{1, 2, 3}, {4, 5, 6}});
    float[][] fortran = NpyMatrix.read(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
        f32(1, 4, 2, 5, 3, 6)), LIMITS);
    assertThat(fortran).isDeepEqualTo(c);
    assertThat(NpyMatrix.read(npy(npyHeader("<f4", "(3,)"), f32(7, 8, 9)), LIMITS))
        .isDeepEqualTo(new float[][] {{7, 8, 9}});
    ByteBuffer doubles = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(1).putDouble(2).putDouble(3);
    assertThat(NpyMatrix.read(npy(npyHeader("<f8", "(1, 3)"), doubles.array()), LIMITS)[0]).containsExactly(1, 2, 3);
    NpyMatrix.Header h = NpyMatrix.readHeader(npy(npyHeader("<f2", "(4, 5)"), new byte[40]));
    assertThat(h.rows()).isEqualTo(4);
    assertThat(h.cols()).isEqualTo(5);
    assertThat(h.bytesPerValue()).isEqualTo(2);
  }

  @Test
  void theReportedAttackOverflowingShapeIsRejectedBeforeAllocating() {
    // (2^32, 2^32) of float32: 2^66 bytes, which 64-bit multiplication wraps to 0 — the data length of this file
    byte[] attack = npy(npyHeader("<f4", "(4294967296, 4294967296)"), new byte[0]);
    rejects(attack, "shape");
    rejects(npy(npyHeader("<f4", "(9223372036854775807, 2)"), new byte[8]), "shape");
    rejects(npy(npyHeader("<f4", "(4611686018427387904, 4)"), new byte[0]), "shape");
    rejects(npy(npyHeader("<f4", "(2147483639, 2147483639)"), new byte[0]), "64-bit");
    rejects(npy(npyHeader("<f4", "(-1, 3)"), new byte[0]), "shape");
    rejects(npy(npyHeader("<f4", "(-2, -3)"), f32(1, 2, 3, 4, 5, 6)), "shape");
    rejects(npy(npyHeader("<f4", "(0, 3)"), new byte[0]), "shape");
    rejects(npy(npyHeader("<f4", "(99999999999999999999, 3)"), new byte[0]), "shape");
    rejects(npy(npyHeader("<f4", "(2, 3, 4)"), new byte[96]), "2-D");
    rejects(npy(npyHeader("<f4", "()"), new byte[4]), "2-D");
    rejects(npy(npyHeader("<f4", "(2, 3.5)"), new byte[28]), "shape");
  }

  @Test
  void declaredShapesBeyondTheLimitsAreRejectedBeforeAnyValueIsRead() {
    rejects(npy(npyHeader("<f4", "(11, 3)"), new byte[11 * 12]), "1..10 vectors");
    rejects(npy(npyHeader("<f4", "(2, 4)"), new byte[32]), "width 3 (d_model)");
    rejects(npy(npyHeader("<f4", "(3,)"), f32(1, 2, 3)).clone(), LIMITS_WIDTH_4, "width 4");
  }

  private static final MatrixLimits LIMITS_WIDTH_4 = new MatrixLimits(10, 4, "the hook has width 4 (d_model)");

  @Test
  void truncatedOrPaddedDataWrongDtypesAndBrokenHeadersAreRejected() {
    rejects(npy(npyHeader("<f4", "(2, 3)"), f32(1, 2, 3, 4, 5)), "needs 24 data bytes, the file has 20");
    rejects(npy(npyHeader("<f4", "(1, 3)"), f32(1, 2, 3, 4)), "needs 12 data bytes, the file has 16");
    rejects(npy(npyHeader(">f4", "(1, 3)"), f32(1, 2, 3)), "descr");
    rejects(npy(npyHeader("<i4", "(1, 3)"), f32(1, 2, 3)), "descr");
    rejects(npy(npyHeader("|O", "(1, 3)"), f32(1, 2, 3)), "descr");
    rejects(npy("{'fortran_order': False, 'shape': (1, 3), }", f32(1, 2, 3)), "descr");
    byte[] longHeader = npy(npyHeader("<f4", "(1, 3)"), f32(1, 2, 3));
    longHeader[8] = (byte) 0xff;
    longHeader[9] = (byte) 0xff; // header length 65535 > file
    rejects(longHeader, "header length 65535");
    byte[] v2 = npy(npyHeader("<f4", "(1, 3)"), f32(1, 2, 3));
    v2[6] = 2; // version 2 reads a 4-byte length from bytes 8..11: now a huge one
    rejects(v2, "header length");
    byte[] v9 = v2.clone();
    v9[6] = 9;
    rejects(v9, "version 9");
    rejects(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 1}, "not an .npy file");
  }

  @Test
  void nonFiniteValuesAreRejectedByTheUpload() {
    byte[] nan = npy(npyHeader("<f4", "(1, 3)"), f32(1, Float.NaN, 3));
    assertThatThrownBy(() -> MatrixUpload.read(nan, null, null, LIMITS)).isInstanceOf(VectorImportException.class)
        .hasMessageContaining("NaN");
  }

  private static void rejects(byte[] file, String message) {
    rejects(file, LIMITS, message);
  }

  private static void rejects(byte[] file, MatrixLimits limits, String message) {
    assertThatThrownBy(() -> NpyMatrix.read(file, limits)).isInstanceOf(VectorImportException.class)
        .hasMessageContaining(message);
  }
}
