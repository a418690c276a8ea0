package io.snmfservice.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Key material: 256 random bits, base64url, behind a recognisable {@code snmf_} prefix. Keys are stored as their
 * SHA-256: a key is random and long, so a fast hash cannot be brute-forced, and lookups stay one index probe.
 */
final class KeySecrets {

  static final String PREFIX = "snmf_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeySecrets() {}

  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String hash(String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** The first characters of a key, enough to tell keys apart in a listing and useless to an attacker. */
  static String visiblePrefix(String key) {
    return key.substring(0, Math.min(key.length(), PREFIX.length() + 6));
  }
}
