package io.snmfservice.security;

/** A key just created: the only time its secret is shown. */
public record CreatedApiKey(String key, ApiKeyView apiKey) {}
