package io.snmfservice.security;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** A new key: a name for people, a role, and an optional expiry. */
public record CreateKeyRequest(
    @NotBlank @Size(max = 100) @Pattern(regexp = "[\\p{L}\\p{N}][\\p{L}\\p{N} ._@-]*",
        message = "must start with a letter or digit and use only letters, digits, spaces, '.', '_', '@' and '-'")
        String name,
    @NotBlank @Pattern(regexp = "reader|submitter|admin", message = "must be one of reader, submitter, admin")
        String role,
    Instant expiresAt) {}
