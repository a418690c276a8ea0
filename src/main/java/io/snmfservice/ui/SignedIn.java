package io.snmfservice.ui;

import io.snmfservice.security.Caller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Every dashboard page knows who is signed in (the key's name), for the header's sign-out form. */
@ControllerAdvice(basePackageClasses = SignedIn.class)
class SignedIn {

  @ModelAttribute("signedInAs")
  String signedInAs() {
    return Caller.current().filter(c -> c.keyId() != null).map(c -> c.name() + " (" + c.role().lowerName() + ")")
        .orElse(null);
  }
}
