package io.snmfservice.models.hub;

/** Offline mode is on and the cache does not hold the requested snapshot. */
public class HubOfflineException extends HubException {

  public HubOfflineException(String message) {
    super(message);
  }
}
