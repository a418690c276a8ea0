package io.snmfservice.models;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A registered model: where its weights are and, once known, its shape. */
@Entity
@Table(name = "model")
public class Model {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String name;

  @Enumerated(EnumType.STRING)
  private ModelSource source;

  @Column(name = "hf_repo_id")
  private String hfRepoId;

  @Column(name = "hf_revision")
  private String hfRevision;

  private String path;
  private String architecture;

  @Column(name = "n_layers")
  private Integer nLayers;

  @Column(name = "d_model")
  private Integer dModel;

  @Column(name = "d_mlp")
  private Integer dMlp;

  @Column(name = "vocab_size")
  private Integer vocabSize;

  /** The API key that created this row (null before access control, or in open mode). */
  @Column(name = "created_by", updatable = false)
  private Long createdBy;

  @Column(name = "created_at", updatable = false)
  private Instant createdAt = Instant.now();

  protected Model() {}

  public Model(String name, ModelSource source, String hfRepoId, String hfRevision, String path) {
    this.name = name;
    this.source = source;
    this.hfRepoId = hfRepoId;
    this.hfRevision = hfRevision;
    this.path = path;
  }

  /** Records the shape read from the checkpoint's header or config. */
  public void describe(ModelShape shape) {
    this.architecture = shape.architecture();
    this.nLayers = shape.nLayers();
    this.dModel = shape.dModel();
    this.dMlp = shape.dMlp();
    this.vocabSize = shape.vocabSize();
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

  public ModelSource getSource() {
    return source;
  }

  public String getHfRepoId() {
    return hfRepoId;
  }

  public String getHfRevision() {
    return hfRevision;
  }

  public String getPath() {
    return path;
  }

  public String getArchitecture() {
    return architecture;
  }

  public Integer getNLayers() {
    return nLayers;
  }

  public Integer getDModel() {
    return dModel;
  }

  public Integer getDMlp() {
    return dMlp;
  }

  public Integer getVocabSize() {
    return vocabSize;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }
}
