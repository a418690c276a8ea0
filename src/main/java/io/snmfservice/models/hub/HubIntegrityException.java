package io.snmfservice.models.hub;

/** A downloaded file did not have the size or sha256 the hub announced; the bad file has been deleted. */
public class HubIntegrityException extends HubException {

  public HubIntegrityException(String message) {
    super(message);
  }
}
