package io.snmfservice.vectors;

import io.snmfservice.transformer.Tensor;
import io.snmfservice.transformer.loader.SafetensorsFile;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A matrix of directions uploaded as {@code .npy} or {@code .safetensors}: one vector per row, [n, d]. In a
 * safetensors file the tensor is the named one, else the only one, else {@code W_dec}. Values must be finite.
 */
public final class MatrixUpload {

  private MatrixUpload() {}

  /**
   * @param bytes the uploaded file
   * @param tensorName tensor to take from a safetensors file, or null
   * @param copy the same bytes as a file (safetensors are read memory-mapped); the caller deletes it
   */
  public static float[][] read(byte[] bytes, String tensorName, Path copy) {
    float[][] rows;
    if (NpyMatrix.looksLikeNpy(bytes)) {
      rows = NpyMatrix.read(bytes);
    } else {
      rows = safetensors(tensorName, copy);
    }
    for (int i = 0; i < rows.length; i++) {
      for (float v : rows[i]) {
        if (!Float.isFinite(v)) {
          throw new VectorImportException("row " + i + " of the matrix holds NaN or infinite values");
        }
      }
    }
    return rows;
  }

  private static float[][] safetensors(String tensorName, Path copy) {
    try (SafetensorsFile file = SafetensorsFile.open(copy)) {
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
      Tensor t = file.read(name);
      long[] shape = t.shape().length == 1 ? new long[] {1, t.shape()[0]} : t.shape();
      if (shape.length != 2 || shape[0] < 1 || shape[1] < 1) {
        throw new VectorImportException("tensor " + name + " must be 2-D [n, d], has shape " + Arrays.toString(t.shape()));
      }
      int n = (int) shape[0];
      int d = (int) shape[1];
      float[][] rows = new float[n][];
      for (int i = 0; i < n; i++) {
        rows[i] = Arrays.copyOfRange(t.data(), i * d, (i + 1) * d);
      }
      return rows;
    } catch (VectorImportException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new VectorImportException(e.getMessage());
    } catch (RuntimeException e) { // unreadable header, truncated data
      throw new VectorImportException("the file is neither an .npy nor a readable safetensors file");
    }
  }
}
