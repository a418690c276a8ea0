package io.snmfservice.models.hub;

/** The snapshot's files are larger than the download limit; nothing was fetched. */
public class HubDownloadTooLargeException extends HubException {

  public HubDownloadTooLargeException(String message) {
    super(message);
  }
}
