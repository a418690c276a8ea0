package io.snmfservice.activations.store;

/** An activation file is malformed, incomplete or used inconsistently. */
public class ActivationFormatException extends RuntimeException {

  public ActivationFormatException(String message) {
    super(message);
  }

  public ActivationFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
