package io.snmfservice.activations;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Record activations of {@code hook} at {@code layers} of a model over a dataset.
 *
 * @param contextLength tokens per model input including BOS; longer documents are cut into windows
 * @param batchSize model inputs per forward pass
 * @param shards jobs the collection is split into (contiguous document ranges, run by any workers); default: the
 *     number of live worker pools; 1 records in one job
 */
public record CollectRequest(
    @NotNull Long modelId,
    @NotNull Long datasetId,
    @NotEmpty @Size(max = 64) List<@NotNull @Min(0) Integer> layers,
    String hook,
    @Min(2) @Max(8192) Integer contextLength,
    @Min(1) @Max(512) Integer batchSize,
    @Min(1) @Max(64) Integer shards) {

  public static final int DEFAULT_CONTEXT = 128;
  public static final int DEFAULT_BATCH = 16;
}
