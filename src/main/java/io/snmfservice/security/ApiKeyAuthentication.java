package io.snmfservice.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A presented bearer key before it is checked, and the caller it stands for after. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

  private final transient String secret;
  private final Caller caller;

  private ApiKeyAuthentication(String secret, Caller caller) {
    super(caller == null ? List.of() : caller.role().authorities());
    this.secret = secret;
    this.caller = caller;
    setAuthenticated(caller != null);
  }

  static ApiKeyAuthentication presented(String secret) {
    return new ApiKeyAuthentication(secret, null);
  }

  static ApiKeyAuthentication of(Caller caller) {
    return new ApiKeyAuthentication(null, caller);
  }

  String secret() {
    return secret;
  }

  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public Object getPrincipal() {
    return caller;
  }

  @Override
  public String getName() {
    return caller == null ? "unauthenticated" : caller.name();
  }
}
