package io.snmfservice.models;

import java.time.Instant;

/** A model as the API shows it. */
public record ModelView(
    long id,
    String name,
    String source,
    String repoId,
    String revision,
    String path,
    String architecture,
    Integer nLayers,
    Integer dModel,
    Integer dMlp,
    Integer vocabSize,
    Instant createdAt) {

  public static ModelView of(Model m) {
    return new ModelView(
        m.getId(),
        m.getName(),
        switch (m.getSource()) {
          case HF_HUB -> "hf";
          case LOCAL_DIR -> "local";
          case LLAMA2C -> "llama2c";
        },
        m.getHfRepoId(),
        m.getHfRevision(),
        m.getPath(),
        m.getArchitecture(),
        m.getNLayers(),
        m.getDModel(),
        m.getDMlp(),
        m.getVocabSize(),
        m.getCreatedAt());
  }
}
