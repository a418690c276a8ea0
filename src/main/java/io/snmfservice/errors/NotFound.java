package io.snmfservice.errors;

/** A referenced thing does not exist (404): "vector set 12 does not exist". */
public final class NotFound extends DomainException {

  public NotFound(String what, Object id) {
    super(what + " " + id + " does not exist");
  }

  @Override
  public int status() {
    return 404;
  }
}
