package io.snmfservice.datasets;

import java.time.Instant;
import java.util.Locale;

/** A dataset as the API shows it. */
public record DatasetView(
    long id, String name, String kind, Long modelId, int documentCount, Long tokenCount, Instant createdAt) {

  public static DatasetView of(Dataset d) {
    return new DatasetView(
        d.getId(),
        d.getName(),
        d.getKind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        d.getModelId(),
        d.getDocumentCount(),
        d.getTokenCount(),
        d.getCreatedAt());
  }
}
