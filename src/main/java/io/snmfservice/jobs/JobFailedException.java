package io.snmfservice.jobs;

/**
 * A failure that retrying cannot fix (bad parameters, missing files): the job goes straight to FAILED with this
 * status and detail as its problem. A domain error ({@code errors/}: not found, conflict, invalid, forbidden) and an
 * {@link IllegalArgumentException} (422) from a handler are treated the same way; any other exception, including
 * {@code Unavailable}, is retried while attempts remain.
 */
public class JobFailedException extends RuntimeException {

  private final int status;

  public JobFailedException(int status, String detail) {
    super(detail);
    this.status = status;
  }

  public JobFailedException(String detail) {
    this(422, detail);
  }

  public int status() {
    return status;
  }
}
