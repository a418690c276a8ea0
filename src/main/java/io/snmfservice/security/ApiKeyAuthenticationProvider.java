package io.snmfservice.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

/** Checks a presented key against the key registry. */
final class ApiKeyAuthenticationProvider implements AuthenticationProvider {

  private final ApiKeys keys;

  ApiKeyAuthenticationProvider(ApiKeys keys) {
    this.keys = keys;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String secret = ((ApiKeyAuthentication) authentication).secret();
    return keys.authenticate(secret)
        .map(ApiKeyAuthentication::of)
        .orElseThrow(() -> new BadCredentialsException("the API key is unknown, revoked or expired"));
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return ApiKeyAuthentication.class.isAssignableFrom(authentication);
  }
}
