package io.snmfservice.compute;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where the numeric work runs: settings under {@code snmf.device}, {@code snmf.factorization.*} and
 * {@code snmf.memory.*} (kept apart from {@code SnmfProperties} so each feature binds only what it reads).
 *
 * @param device {@code auto} (a GPU when DJL's PyTorch engine reports one, else the CPU), {@code cpu},
 *     {@code cuda} (GPU 0) or {@code cuda:N}
 * @param factorization which tensor library runs SNMF
 * @param memory how much of the device's free memory batches and chunks may take
 * @param budget how many heavy stages (recording activations, SNMF) run at once in this process
 */
@Validated
@ConfigurationProperties("snmf")
public record ComputeProperties(
    @DefaultValue("auto") @NotBlank String device,
    @DefaultValue @Valid Factorization factorization,
    @DefaultValue @Valid Memory memory,
    @DefaultValue @Valid Budget budget) {

  /** @param heavyStages heavy stages running at once; each uses all BLAS/libtorch threads (see ComputeBudget) */
  public record Budget(@DefaultValue("1") @Min(1) int heavyStages) {}

  /**
   * @param backend {@code auto} (DJL/libtorch on a CUDA device, ND4J on the CPU), {@code nd4j} or {@code djl}
   * @param checkpointInterval how often a running factorization saves its iteration state, so that an attempt
   *     after a crash resumes from there (zero: not by time)
   * @param checkpointIterations save every this many iterations as well (0: not by count)
   */
  public record Factorization(
      @DefaultValue("auto") @NotNull FactorizationBackend backend,
      @DefaultValue("60s") @NotNull Duration checkpointInterval,
      @DefaultValue("0") @Min(0) int checkpointIterations) {}

  /**
   * @param fraction share of the device's free memory (at job start) one batch or chunk may use
   * @param maxBatchSize upper bound of sequences per forward pass when recording activations
   * @param maxChunkColumns upper bound of activation columns per SNMF chunk
   * @param maxChunkBytes upper bound of one SNMF chunk of A (float32), on the device and on the Java heap
   */
  public record Memory(
      @DefaultValue("0.5") @DecimalMin("0.01") @DecimalMax("0.95") double fraction,
      @DefaultValue("512") @Min(1) int maxBatchSize,
      @DefaultValue("65536") @Min(64) int maxChunkColumns,
      @DefaultValue("256MB") @NotNull DataSize maxChunkBytes) {}
}
