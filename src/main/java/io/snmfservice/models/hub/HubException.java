package io.snmfservice.models.hub;

/** Any failure to obtain a model snapshot; the subclasses say which kind, the message says what to do. */
public class HubException extends RuntimeException {

  public HubException(String message) {
    super(message);
  }

  public HubException(String message, Throwable cause) {
    super(message, cause);
  }
}
