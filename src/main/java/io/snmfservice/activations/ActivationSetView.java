package io.snmfservice.activations;

import java.time.Instant;

/** An activation set as the API shows it. */
public record ActivationSetView(
    long id, long modelId, long datasetId, int layer, String hook, int contextLength, int d, long nTokens,
    String dtype, String matrixPath, String indexPath, Long jobId, Double seconds, Instant createdAt,
    long bytesOnDisk) {

  static ActivationSetView of(ActivationSet s) {
    return new ActivationSetView(s.getId(), s.getModelId(), s.getDatasetId(), s.getLayer(), s.getHook(),
        s.getContextLength(), s.getD(), s.getNTokens(), s.getDtype(), s.getMatrixPath(), s.getIndexPath(),
        s.getJobId(), s.getSeconds(), s.getCreatedAt(),
        DiskUsage.of(java.nio.file.Path.of(s.getMatrixPath())));
  }
}
