package io.snmfservice.security;

import java.time.Instant;

/** An API key as listings show it: never the key itself, only its first characters to recognise it by. */
public record ApiKeyView(
    long id,
    String name,
    String role,
    String prefix,
    Long createdBy,
    Instant createdAt,
    Instant lastUsedAt,
    Instant expiresAt,
    Instant revokedAt,
    boolean active) {}
