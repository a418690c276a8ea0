package io.snmfservice.audit;

import java.time.Instant;

/**
 * One audited request: who (key id and name at the time), what (method and route, e.g.
 * {@code DELETE /v1/factorizations/{id}}; the concrete path; the resource it created or touched), when, and how
 * it ended (HTTP status and outcome).
 */
public record AuditEntry(
    long id,
    Instant at,
    Long keyId,
    String keyName,
    String action,
    String path,
    String target,
    int status,
    String outcome) {}
