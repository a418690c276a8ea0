package io.snmfservice.vectors;

import io.snmfservice.activations.store.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a NumPy {@code .npy} file (format 1.x/2.x/3.x) holding a float matrix: little-endian float16/32/64, C or
 * Fortran order, shape (n, d) — one vector per row — or (d,) for a single vector.
 */
public final class NpyMatrix {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpyMatrix() {}

  /** Whether the bytes start like an .npy file. */
  public static boolean looksLikeNpy(byte[] bytes) {
    if (bytes.length < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** The rows of the matrix. */
  public static float[][] read(byte[] bytes) {
    if (!looksLikeNpy(bytes) || bytes.length < 10) {
      throw new VectorImportException("not an .npy file");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int major = bytes[6];
    int headerLength;
    int start;
    if (major == 1) {
      headerLength = Short.toUnsignedInt(buf.getShort(8));
      start = 10;
    } else if (major == 2 || major == 3) {
      headerLength = buf.getInt(8);
      start = 12;
    } else {
      throw new VectorImportException(".npy format version " + major + " is not supported");
    }
    if (headerLength < 0 || start + headerLength > bytes.length) {
      throw new VectorImportException(".npy header is truncated");
    }
    String header = new String(bytes, start, headerLength, StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, "descr");
    boolean fortran = group(FORTRAN, header, "fortran_order").equals("True");
    String[] dims = group(SHAPE, header, "shape").split(",");
    long[] shape = java.util.Arrays.stream(dims).map(String::trim).filter(s -> !s.isEmpty())
        .mapToLong(Long::parseLong).toArray();
    if (shape.length == 1) {
      shape = new long[] {1, shape[0]};
    }
    if (shape.length != 2) {
      throw new VectorImportException(".npy array must be 2-D (one vector per row), has shape "
          + java.util.Arrays.toString(shape));
    }
    int bytesPer = switch (descr) {
      case "<f4" -> 4;
      case "<f8" -> 8;
      case "<f2" -> 2;
      default -> throw new VectorImportException(".npy dtype " + descr + " is not supported (little-endian float16/32/64)");
    };
    long count = shape[0] * shape[1];
    if (shape[0] < 1 || shape[1] < 1 || count > Integer.MAX_VALUE
        || start + headerLength + count * bytesPer != bytes.length) {
      throw new VectorImportException(".npy data does not hold shape " + java.util.Arrays.toString(shape) + " of " + descr);
    }
    int n = (int) shape[0];
    int d = (int) shape[1];
    float[][] rows = new float[n][d];
    int data = start + headerLength;
    for (int k = 0; k < count; k++) {
      int offset = data + k * bytesPer;
      float v = switch (bytesPer) {
        case 4 -> buf.getFloat(offset);
        case 8 -> (float) buf.getDouble(offset);
        default -> Float16.toFloat(buf.getShort(offset));
      };
      int i = fortran ? k % n : k / d;
      int j = fortran ? k / n : k % d;
      rows[i][j] = v;
    }
    return rows;
  }

  private static String group(Pattern pattern, String header, String what) {
    Matcher m = pattern.matcher(header);
    if (!m.find()) {
      throw new VectorImportException(".npy header has no " + what);
    }
    return m.group(1);
  }
}
