package io.snmfservice.jobs;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One row of the {@code job} table; {@code createdBy} is the API key that submitted it; {@code children} sums up
 * the jobs it waits for (null when none): counts per status, mean progress, longest ETA, ids; {@code childrenShare}
 * is the part of its progress they make up.
 */
public record Job(
    long id,
    String type,
    JsonNode params,
    JobStatus status,
    String stage,
    double progress,
    Double etaSeconds,
    String message,
    int priority,
    int attempts,
    int maxAttempts,
    boolean cancelRequested,
    String leaseOwner,
    Instant leaseExpiresAt,
    Instant heartbeatAt,
    JsonNode error,
    JsonNode result,
    String idempotencyKey,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Instant updatedAt,
    Long createdBy,
    Long parentId,
    Double childrenShare,
    JsonNode children) {}
