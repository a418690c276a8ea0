package io.snmfservice.activations;

import io.snmfservice.activations.store.ShardManifest;
import java.time.Instant;

/** An activation set as the API shows it. */
public record ActivationSetView(
    long id, long modelId, long datasetId, int layer, String hook, int contextLength, int d, long nTokens,
    String dtype, String matrixPath, String indexPath, Long jobId, Double seconds, Instant createdAt,
    long bytesOnDisk, int shards) {

  static ActivationSetView of(ActivationSet s) {
    return new ActivationSetView(s.getId(), s.getModelId(), s.getDatasetId(), s.getLayer(), s.getHook(),
        s.getContextLength(), s.getD(), s.getNTokens(), s.getDtype(), s.getMatrixPath(), s.getIndexPath(),
        s.getJobId(), s.getSeconds(), s.getCreatedAt(),
        DiskUsage.ofMatrix(java.nio.file.Path.of(s.getMatrixPath())), shardsOf(s));
  }

  /** Parts of a sharded set (its manifest lists them); 1 for a set recorded as one file. */
  private static int shardsOf(ActivationSet s) {
    java.nio.file.Path path = java.nio.file.Path.of(s.getMatrixPath());
    if (!ShardManifest.isManifest(path) || !java.nio.file.Files.exists(path)) {
      return 1;
    }
    return ShardManifest.read(path).parts().size();
  }
}
