package io.snmfservice.activations;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Recorded activations of one hook point of a model over a dataset; the matrix lives in the activation store. */
@Entity
@Table(name = "activation_set")
public class ActivationSet {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "model_id")
  private long modelId;

  @Column(name = "dataset_id")
  private long datasetId;

  private int layer;
  private String hook;

  @Column(name = "context_length")
  private int contextLength;

  private int d;

  @Column(name = "n_tokens")
  private long nTokens;

  private String dtype;

  @Column(name = "matrix_path")
  private String matrixPath;

  @Column(name = "index_path")
  private String indexPath;

  @Column(name = "job_id")
  private Long jobId;

  private Double seconds;

  @Column(name = "created_at", updatable = false)
  private Instant createdAt = Instant.now();

  protected ActivationSet() {}

  public ActivationSet(long modelId, long datasetId, int layer, String hook, int contextLength, int d, long nTokens,
      String dtype, String matrixPath, String indexPath, Long jobId, Double seconds) {
    this.modelId = modelId;
    this.datasetId = datasetId;
    this.layer = layer;
    this.hook = hook;
    this.contextLength = contextLength;
    this.d = d;
    this.nTokens = nTokens;
    this.dtype = dtype;
    this.matrixPath = matrixPath;
    this.indexPath = indexPath;
    this.jobId = jobId;
    this.seconds = seconds;
  }

  public Long getId() {
    return id;
  }

  public long getModelId() {
    return modelId;
  }

  public long getDatasetId() {
    return datasetId;
  }

  public int getLayer() {
    return layer;
  }

  public String getHook() {
    return hook;
  }

  public int getContextLength() {
    return contextLength;
  }

  public int getD() {
    return d;
  }

  public long getNTokens() {
    return nTokens;
  }

  public String getDtype() {
    return dtype;
  }

  public String getMatrixPath() {
    return matrixPath;
  }

  public String getIndexPath() {
    return indexPath;
  }

  public Long getJobId() {
    return jobId;
  }

  public Double getSeconds() {
    return seconds;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }
}
