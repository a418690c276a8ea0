package io.snmfservice.vectors;

import io.snmfservice.transformer.HostTensor;
import io.snmfservice.transformer.loader.SafetensorsFile;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A matrix of directions uploaded as {@code .npy} or {@code .safetensors}: one vector per row, [n, d]. In a
 * safetensors file the tensor is the named one, else the only one, else {@code W_dec}. The declared shape must pass
 * the {@link MatrixLimits} before any value is read, and values must be finite.
 */
public final class MatrixUpload {

  /** An uploaded safetensors file names one or a few tensors; its header has no reason to be larger. */
  public static final long MAX_HEADER_BYTES = 1 << 20;

  private MatrixUpload() {}

  /**
   * @param bytes the uploaded file
   * @param tensorName tensor to take from a safetensors file, or null
   * @param copy the same bytes as a file (safetensors are read memory-mapped); the caller deletes it
   */
  public static float[][] read(byte[] bytes, String tensorName, Path copy, MatrixLimits limits) {
    float[][] rows = NpyMatrix.looksLikeNpy(bytes) ? NpyMatrix.read(bytes, limits) : safetensors(tensorName, copy, limits);
    for (int i = 0; i < rows.length; i++) {
      for (float v : rows[i]) {
        if (!Float.isFinite(v)) {
          throw new VectorImportException("row " + i + " of the matrix holds NaN or infinite values");
        }
      }
    }
    return rows;
  }

  private static float[][] safetensors(String tensorName, Path copy, MatrixLimits limits) {
    try (SafetensorsFile file = SafetensorsFile.open(copy, MAX_HEADER_BYTES)) {
      String name = tensorName;
      if (name == null) {
        if (file.names().size() == 1) {
          name = file.names().iterator().next();
        } else if (file.contains("W_dec")) {
          name = "W_dec";
        } else {
          throw new VectorImportException("the safetensors file holds " + file.names()
              + "; name the tensor to import with the 'tensor' field");
        }
      }
      if (!file.contains(name)) {
        throw new VectorImportException("the safetensors file has no tensor " + name + " (it has " + file.names() + ")");
      }
      long[] declared = file.info(name).shape();
      long[] shape = declared.length == 1 ? new long[] {1, declared[0]} : declared;
      if (shape.length != 2) {
        throw new VectorImportException("shape of " + name + " must be 2-D [n, d], is " + Arrays.toString(declared));
      }
      limits.check("shape of " + name, shape[0], shape[1]);
      HostTensor t = file.read(name);
      int n = (int) shape[0];
      int d = (int) shape[1];
      float[][] rows = new float[n][];
      for (int i = 0; i < n; i++) {
        rows[i] = Arrays.copyOfRange(t.data(), i * d, (i + 1) * d);
      }
      return rows;
    } catch (IllegalArgumentException e) { // VectorImportException and MalformedTensorFileException among them
      throw e instanceof VectorImportException v ? v : new VectorImportException(e.getMessage());
    } catch (RuntimeException e) { // unreadable file
      throw new VectorImportException("the file is neither an .npy nor a readable safetensors file");
    }
  }
}
