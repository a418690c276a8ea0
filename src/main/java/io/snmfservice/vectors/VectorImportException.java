package io.snmfservice.vectors;

/** An uploaded file that cannot become a vector set; the message says what is wrong (the API answers 422). */
public class VectorImportException extends IllegalArgumentException {

  public VectorImportException(String message) {
    super(message);
  }
}
