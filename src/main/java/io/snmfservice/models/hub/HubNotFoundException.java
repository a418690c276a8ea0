package io.snmfservice.models.hub;

/** The hub answered 404: no such repository, revision or file (or a private one seen without a token). */
public class HubNotFoundException extends HubException {

  public HubNotFoundException(String message) {
    super(message);
  }
}
