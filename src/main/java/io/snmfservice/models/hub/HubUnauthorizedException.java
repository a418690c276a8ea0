package io.snmfservice.models.hub;

/** The hub answered 401 or 403: the repository is private or gated and the token is missing or lacks access. */
public class HubUnauthorizedException extends HubException {

  public HubUnauthorizedException(String message) {
    super(message);
  }
}
