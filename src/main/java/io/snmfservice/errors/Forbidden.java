package io.snmfservice.errors;

/** The caller may not do this (403): another key's job, a path or repository the operator did not allow. */
public final class Forbidden extends DomainException {

  public Forbidden(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 403;
  }
}
