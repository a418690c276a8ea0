package io.snmfservice.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is making the current request: an API key (id, name, role), or the single open-mode caller (no key) when
 * access control is switched off for a local experiment.
 */
public record Caller(Long keyId, String name, Role role) implements java.io.Serializable {

  static final Caller OPEN_MODE = new Caller(null, "open-mode", Role.ADMIN);

  /** The caller of the request on this thread; empty outside requests (e.g. in job workers). */
  public static Optional<Caller> current() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    return auth != null && auth.getPrincipal() instanceof Caller c ? Optional.of(c) : Optional.empty();
  }

  /** The id of the current request's key, for ownership columns; null outside requests and in open mode. */
  public static Long currentKeyId() {
    return current().map(Caller::keyId).orElse(null);
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
