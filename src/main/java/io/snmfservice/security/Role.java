package io.snmfservice.security;

import java.util.List;
import java.util.Locale;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** What a key may do; each role includes the ones below it (reader < submitter < admin). */
public enum Role {
  READER, SUBMITTER, ADMIN;

  /** The Spring Security authorities of this role: its own and those of every role it includes. */
  public List<GrantedAuthority> authorities() {
    return java.util.Arrays.stream(values())
        .filter(r -> r.ordinal() <= ordinal())
        .<GrantedAuthority>map(r -> new SimpleGrantedAuthority("ROLE_" + r.name()))
        .toList();
  }

  public boolean includes(Role other) {
    return ordinal() >= other.ordinal();
  }

  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code reader}, {@code submitter} or {@code admin} (any case). */
  public static Role parse(String value) {
    for (Role r : values()) {
      if (r.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return r;
      }
    }
    throw new IllegalArgumentException("role must be one of reader, submitter, admin, was '" + value + "'");
  }
}
