package io.snmfservice.ui;

import io.snmfservice.security.Caller;
import io.snmfservice.security.Role;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Every dashboard page knows who is signed in (the key's name, for the header's sign-out form) and what the key's
 * role lets it do, so that pages show only the links and forms it may use.
 */
@ControllerAdvice(basePackageClasses = SignedIn.class)
class SignedIn {

  @ModelAttribute("signedInAs")
  String signedInAs() {
    return Caller.current().filter(c -> c.keyId() != null).map(c -> c.name() + " (" + c.role().lowerName() + ")")
        .orElse(null);
  }

  /** Submitter or admin: may post the forms that start work. */
  @ModelAttribute("canSubmit")
  boolean canSubmit() {
    return Caller.current().map(c -> c.role().includes(Role.SUBMITTER)).orElse(false);
  }

  /** Admin: sees the key and audit pages. */
  @ModelAttribute("isAdmin")
  boolean isAdmin() {
    return Caller.current().map(Caller::isAdmin).orElse(false);
  }
}
