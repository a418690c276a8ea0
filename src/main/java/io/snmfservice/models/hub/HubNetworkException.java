package io.snmfservice.models.hub;

/** The hub could not be reached or a transfer broke off; partial downloads are kept and resumed next time. */
public class HubNetworkException extends HubException {

  public HubNetworkException(String message, Throwable cause) {
    super(message, cause);
  }

  public HubNetworkException(String message) {
    super(message);
  }
}
