package io.snmfservice.vectors;

/**
 * What an uploaded matrix may declare, checked against its header before any value is read: at most
 * {@code maxRows} rows, each exactly {@code width} long (the model's width at the hook).
 *
 * @param widthDescription completes "… but " in the message, e.g. "blocks.1.hook_resid_pre of this model has width
 *     128 (d_model)"
 */
public record MatrixLimits(int maxRows, int width, String widthDescription) {

  /** Throws a {@link VectorImportException} naming {@code field} unless rows × cols fits. */
  public void check(String field, long rows, long cols) {
    if (rows < 1 || rows > maxRows) {
      throw new VectorImportException(field + " [" + rows + ", " + cols + "]: a vector set holds 1.." + maxRows
          + " vectors, the upload declares " + rows);
    }
    if (cols != width) {
      throw new VectorImportException(field + " [" + rows + ", " + cols + "]: the matrix's row length is " + cols
          + " but " + widthDescription);
    }
  }
}
