package io.snmfservice.errors;

/** The request is valid but conflicts with the current state (409): a taken name, a resource still in use. */
public final class Conflict extends DomainException {

  public Conflict(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 409;
  }
}
