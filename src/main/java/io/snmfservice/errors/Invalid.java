package io.snmfservice.errors;

import java.util.Optional;

/**
 * Input the domain refuses, with the offending field where known. Missing or unreadable input is 400, a readable
 * value out of range 422, input over a size limit 413.
 */
public final class Invalid extends DomainException {

  /** How the input is wrong; decides the status. */
  private enum Kind {
    MALFORMED(400),
    UNACCEPTABLE(422),
    TOO_LARGE(413);

    private final int status;

    Kind(int status) {
      this.status = status;
    }
  }

  private final Kind kind;
  private final String field;

  private Invalid(Kind kind, String field, String detail) {
    super(detail);
    this.kind = kind;
    this.field = field;
  }

  /** A required field is missing (400). */
  public static Invalid missing(String field, String detail) {
    return new Invalid(Kind.MALFORMED, field, detail);
  }

  /** Input that cannot be read or combined as given (400). */
  public static Invalid malformed(String detail) {
    return new Invalid(Kind.MALFORMED, null, detail);
  }

  /** A readable value the domain does not accept (422). */
  public static Invalid value(String detail) {
    return new Invalid(Kind.UNACCEPTABLE, null, detail);
  }

  /** A readable value of this field the domain does not accept (422). */
  public static Invalid value(String field, String detail) {
    return new Invalid(Kind.UNACCEPTABLE, field, detail);
  }

  /** Input over a size limit (413). */
  public static Invalid tooLarge(String detail) {
    return new Invalid(Kind.TOO_LARGE, null, detail);
  }

  /** The request field at fault, when one is. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  @Override
  public int status() {
    return kind.status;
  }
}
