package io.snmfservice.errors;

/**
 * A failure the domain can name: something does not exist, conflicts, is invalid, is not allowed, or cannot be
 * served now. Services, stores and job handlers throw these; the HTTP edge turns them into RFC 9457 problems and
 * the job queue into a failed job's problem. Anything else (I/O, database, bugs) is an infrastructure failure.
 */
public abstract sealed class DomainException extends RuntimeException
    permits NotFound, Conflict, Invalid, Forbidden, Unavailable {

  protected DomainException(String detail) {
    super(detail);
  }

  /** The RFC 9457 problem status that describes this failure, to an HTTP client and in a failed job's problem. */
  public abstract int status();
}
