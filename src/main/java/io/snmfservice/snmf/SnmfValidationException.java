package io.snmfservice.snmf;

/** The input or the settings cannot be factorized (the API maps this to 422). */
public class SnmfValidationException extends RuntimeException {

  public SnmfValidationException(String message) {
    super(message);
  }
}
