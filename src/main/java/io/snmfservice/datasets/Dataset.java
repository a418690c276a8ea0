package io.snmfservice.datasets;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A corpus: its documents live in the {@code document} table. */
@Entity
@Table(name = "dataset")
public class Dataset {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String name;

  @Enumerated(EnumType.STRING)
  private DatasetKind kind;

  @Column(name = "model_id")
  private Long modelId;

  @Column(name = "document_count")
  private int documentCount;

  @Column(name = "token_count")
  private Long tokenCount;

  /** The API key that created this row (null before access control, or in open mode). */
  @Column(name = "created_by", updatable = false)
  private Long createdBy;

  @Column(name = "created_at", updatable = false)
  private Instant createdAt = Instant.now();

  protected Dataset() {}

  public Dataset(String name, DatasetKind kind, Long modelId, int documentCount, Long tokenCount) {
    this.name = name;
    this.kind = kind;
    this.modelId = modelId;
    this.documentCount = documentCount;
    this.tokenCount = tokenCount;
  }

  public Long getCreatedBy() {
    return createdBy;
  }

  public void setCreatedBy(Long createdBy) {
    this.createdBy = createdBy;
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public DatasetKind getKind() {
    return kind;
  }

  public Long getModelId() {
    return modelId;
  }

  public int getDocumentCount() {
    return documentCount;
  }

  public Long getTokenCount() {
    return tokenCount;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }
}
