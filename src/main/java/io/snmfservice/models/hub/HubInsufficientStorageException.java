package io.snmfservice.models.hub;

/** The download would leave less free space on the cache volume than the reserve; nothing was fetched. */
public class HubInsufficientStorageException extends HubException {

  public HubInsufficientStorageException(String message) {
    super(message);
  }
}
