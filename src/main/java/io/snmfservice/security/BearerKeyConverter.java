package io.snmfservice.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/** Reads {@code Authorization: Bearer <key>}; no header means an anonymous request (answered 401 later). */
final class BearerKeyConverter implements AuthenticationConverter {

  private static final int MAX_KEY_LENGTH = 200;

  @Override
  public Authentication convert(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      return null;
    }
    String[] parts = header.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
      throw new BadCredentialsException("the Authorization header must be 'Bearer <API key>'");
    }
    String key = presentedKey(request);
    if (key == null) {
      throw new BadCredentialsException("the API key is unknown, revoked or expired");
    }
    return ApiKeyAuthentication.presented(key);
  }

  /** Whether the request carries an Authorization header at all. */
  static boolean presentsKey(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    return header != null && !header.isBlank();
  }

  /** The key of a well-formed {@code Bearer} header, else null. */
  static String presentedKey(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      return null;
    }
    String[] parts = header.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
      return null;
    }
    String key = parts[1].trim();
    return key.isEmpty() || key.length() > MAX_KEY_LENGTH ? null : key;
  }
}
