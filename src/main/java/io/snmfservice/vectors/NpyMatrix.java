package io.snmfservice.vectors;

import io.snmfservice.activations.store.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a NumPy {@code .npy} file (format 1.x/2.x/3.x) holding a float matrix: little-endian float16/32/64, C or
 * Fortran order, shape (n, d) — one vector per row — or (d,) for a single vector.
 *
 * <p>The file comes from a client, so nothing in it is trusted: {@link #readHeader} checks the header with exact
 * arithmetic (dimensions that fit an array, element count × dtype size equal to the bytes present) and
 * {@link #read} checks the declared shape against the caller's {@link MatrixLimits} before it allocates anything.
 * Every failure is a {@link VectorImportException} naming the field.
 */
public final class NpyMatrix {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** numpy itself refuses headers over 10,000 bytes by default; a 64 KiB bound leaves room and costs nothing. */
  static final int MAX_HEADER_BYTES = 65_536;
  private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /** A checked header: the data at {@code dataOffset} is exactly rows × cols values of {@code bytesPerValue}. */
  public record Header(String dtype, int bytesPerValue, boolean fortranOrder, int rows, int cols, int dataOffset) {}

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

  /** Parses and checks the header against the bytes present; reads no values. */
  public static Header readHeader(byte[] bytes) {
    if (!looksLikeNpy(bytes) || bytes.length < 10) {
      throw new VectorImportException("not an .npy file");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int major = bytes[6];
    long headerLength;
    int start;
    if (major == 1) {
      headerLength = Short.toUnsignedInt(buf.getShort(8));
      start = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new VectorImportException(".npy header length is truncated");
      }
      headerLength = Integer.toUnsignedLong(buf.getInt(8));
      start = 12;
    } else {
      throw new VectorImportException(".npy format version " + major + " is not supported");
    }
    if (headerLength > MAX_HEADER_BYTES || start + headerLength > bytes.length) {
      throw new VectorImportException(".npy header length " + headerLength + " is beyond the file's " + bytes.length
          + " bytes or over " + MAX_HEADER_BYTES);
    }
    String header = new String(bytes, start, (int) headerLength, StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, "descr");
    boolean fortran = group(FORTRAN, header, "fortran_order").equals("True");
    long[] shape = shape(group(SHAPE, header, "shape"));
    int bytesPer = switch (descr) {
      case "<f4" -> 4;
      case "<f8" -> 8;
      case "<f2" -> 2;
      default -> throw new VectorImportException(".npy descr (dtype) " + abbreviate(descr)
          + " is not supported (little-endian float16/32/64: <f2, <f4, <f8)");
    };
    int dataOffset = start + (int) headerLength;
    long dataBytes;
    try {
      dataBytes = Math.multiplyExact(Math.multiplyExact(shape[0], shape[1]), bytesPer);
    } catch (ArithmeticException overflow) {
      throw new VectorImportException(".npy shape " + describe(shape) + " has more elements than a 64-bit count"
          + " can hold");
    }
    if (dataBytes != bytes.length - dataOffset) {
      throw new VectorImportException(".npy shape " + describe(shape) + " of " + descr + " needs " + dataBytes
          + " data bytes, the file has " + (bytes.length - dataOffset));
    }
    return new Header(descr, bytesPer, fortran, (int) shape[0], (int) shape[1], dataOffset);
  }

  /** The rows of the matrix, after its declared shape has passed {@code limits}. */
  public static float[][] read(byte[] bytes, MatrixLimits limits) {
    Header h = readHeader(bytes);
    limits.check(".npy shape", h.rows(), h.cols());
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int n = h.rows();
    int d = h.cols();
    float[][] rows = new float[n][d];
    long count = (long) n * d; // ≤ the file's length, checked by readHeader
    for (long k = 0; k < count; k++) {
      int offset = (int) (h.dataOffset() + k * h.bytesPerValue());
      float v = switch (h.bytesPerValue()) {
        case 4 -> buf.getFloat(offset);
        case 8 -> (float) buf.getDouble(offset);
        default -> Float16.toFloat(buf.getShort(offset));
      };
      int i = (int) (h.fortranOrder() ? k % n : k / d);
      int j = (int) (h.fortranOrder() ? k / n : k % d);
      rows[i][j] = v;
    }
    return rows;
  }

  /** (n, d) or (d,) as [n, d] with each dimension 1..the largest array length. */
  private static long[] shape(String text) {
    List<Long> dims = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String s = part.trim();
      if (s.isEmpty()) {
        continue;
      }
      try {
        dims.add(Long.parseLong(s));
      } catch (NumberFormatException e) {
        throw new VectorImportException(".npy shape (" + abbreviate(text) + ") holds " + abbreviate(s)
            + ", not an integer");
      }
      if (dims.size() > 2) {
        break;
      }
    }
    long[] shape = dims.size() == 1 ? new long[] {1, dims.get(0)} : dims.stream().mapToLong(Long::longValue).toArray();
    if (shape.length != 2) {
      throw new VectorImportException(".npy shape (" + abbreviate(text) + ") must be 2-D (one vector per row)");
    }
    for (long dim : shape) {
      if (dim < 1 || dim > MAX_ARRAY_LENGTH) {
        throw new VectorImportException(".npy shape " + describe(shape) + " needs each dimension in 1.."
            + MAX_ARRAY_LENGTH);
      }
    }
    return shape;
  }

  private static String describe(long[] shape) {
    return "(" + shape[0] + ", " + shape[1] + ")";
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  private static String group(Pattern pattern, String header, String what) {
    Matcher m = pattern.matcher(header);
    if (!m.find()) {
      throw new VectorImportException(".npy header has no " + what);
    }
    return m.group(1);
  }
}
