package io.snmfservice.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings under {@code snmf.*}.
 *
 * @param role which half of the service this process runs: the REST API, the job workers, or both
 * @param dataDir root of the service's files: embedded PostgreSQL data, activation store
 * @param workers the in-process worker pool and its leases
 * @param limits dataset size limits
 * @param torchThreads PyTorch intra-op threads for model inference; 0 picks cores / worker threads
 * @param judge optional LLM judge for steering (off unless a base URL is set)
 * @param hub overrides of the Hugging Face hub settings otherwise read from HF_* environment variables
 * @param responseCache answers of the feature reads kept by an API process
 */
@Validated
@ConfigurationProperties("snmf")
public record SnmfProperties(
    @DefaultValue("all") @NotNull Role role,
    @DefaultValue("./data") @NotNull Path dataDir,
    @DefaultValue @Valid Workers workers,
    @DefaultValue @Valid Limits limits,
    @DefaultValue("0") @Min(0) int torchThreads,
    @DefaultValue Judge judge,
    @DefaultValue Hub hub,
    @DefaultValue @Valid ResponseCache responseCache) {

  public enum Role {
    ALL, API, WORKER;

    public boolean servesApi() {
      return this != WORKER;
    }

    public boolean runsWorkers() {
      return this != API;
    }
  }

  /**
   * @param threads jobs run at once by this process
   * @param pollInterval how often an idle worker looks for a queued job
   * @param leaseDuration how long a claimed job stays owned without a heartbeat
   * @param heartbeatInterval how often running jobs renew their lease
   * @param reaperInterval how often expired leases are looked for
   * @param shutdownGrace how long shutdown waits for running handlers to notice it
   * @param maxAttempts how many times a job is started before it fails for good (a worker that dies costs the
   *     job one attempt; factorizations resume from their last checkpoint)
   */
  public record Workers(
      @DefaultValue("2") @Min(0) int threads,
      @DefaultValue("250ms") Duration pollInterval,
      @DefaultValue("30s") Duration leaseDuration,
      @DefaultValue("5s") Duration heartbeatInterval,
      @DefaultValue("5s") Duration reaperInterval,
      @DefaultValue("10s") Duration shutdownGrace,
      @DefaultValue("3") @Min(1) int maxAttempts) {}

  /** @param maxDocuments largest number of documents in one dataset (request bodies: {@code snmf.web.*}) */
  public record Limits(@DefaultValue("1000000") @Min(1) int maxDocuments) {}

  /**
   * @param maxBytes memory for cached answers of the feature reads (list pages, searches, a feature's detail, top
   *     inputs, ...); 0 turns the cache off
   */
  public record ResponseCache(@DefaultValue("67108864") @Min(0) long maxBytes) {}

  /**
   * An OpenAI-compatible chat-completions endpoint that rates steered text.
   *
   * @param baseUrl e.g. the API root that serves {@code /chat/completions}; empty disables the judge
   */
  public record Judge(String baseUrl, String model, String apiKey, @DefaultValue("60s") Duration timeout,
      @DefaultValue("3") int maxRetries) {

    public boolean enabled() {
      return baseUrl != null && !baseUrl.isBlank();
    }
  }

  /**
   * @param endpoint hub address (else {@code HF_ENDPOINT}, else the public hub)
   * @param cacheDir hub cache (else {@code HF_HUB_CACHE} / {@code HF_HOME}/hub / ~/.cache/huggingface/hub)
   * @param offline use only the cache (else {@code HF_HUB_OFFLINE})
   * @param token access token (else {@code HF_TOKEN}); sent only for repositories in
   *     {@code snmf.models.hub.allowed-repos}
   */
  public record Hub(java.net.URI endpoint, Path cacheDir, Boolean offline, String token) {

    /** Never prints the token: settings end up in logs. */
    @Override
    public String toString() {
      return "Hub[endpoint=" + endpoint + ", cacheDir=" + cacheDir + ", offline=" + offline + ", token="
          + (token == null ? "<none>" : "<set>") + "]";
    }
  }

  /** The PyTorch thread count to use: as configured, or the cores shared out among the worker threads. */
  public int effectiveTorchThreads() {
    if (torchThreads > 0) {
      return torchThreads;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    return Math.max(1, cores / Math.max(1, workers.threads()));
  }

  public Path postgresDir() {
    return dataDir.resolve("postgres");
  }

  public Path activationsDir() {
    return dataDir.resolve("activations");
  }
}
