package io.snmfservice.activations;

import io.snmfservice.activations.store.StoreDirectory;
import io.snmfservice.compute.ComputeBudget;
import io.snmfservice.compute.ComputeDevice;
import io.snmfservice.config.SnmfProperties;
import io.snmfservice.datasets.DatasetService;
import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.jobs.PipelineMetrics;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.models.Model;
import io.snmfservice.models.ModelService;
import io.snmfservice.transformer.TransformerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Activation sets: request validation, reuse of sets already recorded for the same model, dataset, layer, hook
 * and context, collection of the missing ones into a job's directory, and their registration when the job
 * completes.
 */
@Service
public class ActivationSetService {

  private static final Logger log = LoggerFactory.getLogger(ActivationSetService.class);

  private final ActivationSetRepository sets;
  private final ModelService models;
  private final DatasetService datasets;
  private final JdbcClient jdbc;
  private final Path store;
  private final PipelineMetrics metrics;
  private final ComputeDevice compute;
  private final ComputeBudget budget;
  private final StoreSpace space;

  public ActivationSetService(ActivationSetRepository sets, ModelService models, DatasetService datasets,
      JdbcClient jdbc, SnmfProperties properties, PipelineMetrics metrics, ComputeDevice compute,
      ComputeBudget budget, StoreSpace space) {
    this.space = space;
    this.metrics = metrics;
    this.budget = budget;
    this.compute = compute;
    this.sets = sets;
    this.models = models;
    this.datasets = datasets;
    this.jdbc = jdbc;
    this.store = properties.activationsDir();
  }

  /** Checks what can be checked before a job runs: ids exist (404), layers and hook are valid (422). */
  public void validate(long modelId, long datasetId, List<Integer> layers, String hook) {
    Model model = models.get(modelId);
    datasets.get(datasetId);
    if (!HookName.SUPPORTED.contains(hook)) {
      throw Invalid.value("hook", "hook must be one of " + HookName.SUPPORTED + ", was '" + hook + "'");
    }
    Integer nLayers = model.getNLayers();
    for (Integer layer : layers) {
      if (nLayers != null && layer >= nLayers) {
        throw Invalid.value(
            "layer " + layer + " is out of range: model " + modelId + " has layers 0.." + (nLayers - 1));
      }
    }
  }

  public ActivationSet get(long id) {
    return sets.findById(id).orElseThrow(() -> new NotFound("activation set", id));
  }

  public List<ActivationSet> list(Long modelId, Long datasetId) {
    return sets.find(modelId, datasetId);
  }

  /** The sets of a collection: those reused and those recorded by this job (registered at completion). */
  public record Prepared(Map<Integer, ActivationSet> reused, Map<Integer, ActivationSet> recorded,
      int resumedAfterBatch) {
    public ActivationSet forLayer(int layer) {
      return reused.containsKey(layer) ? reused.get(layer) : recorded.get(layer);
    }
  }

  /**
   * Returns the activation sets of {@code layers}, recording those that do not exist yet (progress in
   * [from, to]). New sets are not registered yet: call {@link #register} in the job's completion transaction.
   */
  public Prepared prepare(JobContext job, LoadedModel model, long datasetId, List<Integer> layers, String hook,
      int contextLength, int batchSize, double from, double to) {
    requireFits(model, layers, contextLength);
    long modelId = model.model().getId();
    Map<Integer, ActivationSet> reused = new LinkedHashMap<>();
    List<Integer> missing = new ArrayList<>();
    for (int layer : layers) {
      existing(modelId, datasetId, layer, hook, contextLength).ifPresentOrElse(
          s -> reused.put(layer, s), () -> missing.add(layer));
    }
    if (!reused.isEmpty()) {
      // retention counts from the last reuse
      jdbc.sql("UPDATE activation_set SET last_used_at = now() WHERE id = ANY(?)")
          .param(reused.values().stream().map(ActivationSet::getId).toArray(Long[]::new)).update();
    }
    Map<Integer, ActivationSet> recorded = new LinkedHashMap<>();
    int resumedAfterBatch = 0;
    if (missing.isEmpty()) {
      // an earlier attempt of this job may have recorded before another job registered the same sets
      StoreDirectory.deleteRecursively(store.resolve("job-" + job.jobId()));
    } else {
      Path dir = store.resolve("job-" + job.jobId());
      long start = System.nanoTime();
      ActivationCollector.Collected collected = record(job, model, datasetId, missing, hook, contextLength,
          batchSize, from, to, ActivationCollector.Slice.WHOLE, dir);
      double seconds = (System.nanoTime() - start) / 1e9;
      List<String> hooks = missing.stream().map(l -> HookName.at(l, hook)).toList();
      for (int i = 0; i < missing.size(); i++) {
        String name = hooks.get(i);
        recorded.put(missing.get(i), new ActivationSet(modelId, datasetId, missing.get(i), hook, contextLength,
            collected.widths().get(name), collected.n(), "float32", collected.files().get(name).toString(),
            collected.index().toString(), job.jobId(), seconds));
      }
      resumedAfterBatch = collected.resumedAfterBatch();
    }
    return new Prepared(reused, recorded, resumedAfterBatch);
  }

  /** Layers and context must exist in the loaded model (the API checked what it could before loading it). */
  private static void requireFits(LoadedModel model, List<Integer> layers, int contextLength) {
    TransformerConfig config = model.transformer().config();
    for (int layer : layers) {
      if (layer >= config.nLayers()) {
        throw new JobFailedException("layer " + layer + " is out of range: the model has " + config.nLayers() + " layers");
      }
    }
    if (contextLength > config.maxContext()) {
      throw new JobFailedException(
          "contextLength " + contextLength + " exceeds the model's context of " + config.maxContext());
    }
  }

  /**
   * Records {@code layers} over one slice of the dataset into {@code dir}, continuing after the last completed
   * batch when an earlier attempt left a cursor there.
   */
  ActivationCollector.Collected record(JobContext job, LoadedModel model, long datasetId, List<Integer> layers,
      String hook, int contextLength, int batchSize, double from, double to, ActivationCollector.Slice slice,
      Path dir) {
    requireFits(model, layers, contextLength);
    TransformerConfig config = model.transformer().config();
    job.report("collect", from, "recording layers " + layers
        + (slice.count() > 1 ? ", shard " + (slice.index() + 1) + "/" + slice.count() : ""));
    List<String> hooks = layers.stream().map(l -> HookName.at(l, hook)).toList();
    // the request's batch size, unless fewer sequences fit into the device's free memory
    int deepest = layers.stream().mapToInt(Integer::intValue).max().orElse(0);
    int batch = compute.collectBatch(config, contextLength, deepest + 1, batchSize);
    if (batch < batchSize) {
      log.info("Recording {} sequences per forward pass instead of {}: free memory of {}", batch, batchSize,
          compute.device());
    }
    ActivationCollector.Collected collected;
    try (ComputeBudget.Permit permit = budget.acquire(job::checkpoint, m -> job.report("collect", from, m))) {
      collected = new ActivationCollector(model, contextLength, batch, space)
          .collect(datasetId, datasets.allDocuments(datasetId), hooks, dir, job, from, to, slice);
    }
    if (collected.resumedAfterBatch() > 0) {
      log.info("Collection of job {} resumed after batch {}", job.jobId(), collected.resumedAfterBatch());
    }
    metrics.collected(collected.tokensPerSecond());
    log.info("Recorded {} tokens of model {} over dataset {} at layers {}{} ({} tokens/s)", collected.n(),
        model.model().getId(), datasetId, layers,
        slice.count() > 1 ? ", shard " + (slice.index() + 1) + "/" + slice.count() : "",
        Math.round(collected.tokensPerSecond()));
    return collected;
  }

  /** The layers of a request that have no recorded set yet (those a collection must record). */
  public List<Integer> missingLayers(long modelId, long datasetId, List<Integer> layers, String hook,
      int contextLength) {
    return layers.stream()
        .filter(layer -> existing(modelId, datasetId, layer, hook, contextLength).isEmpty()).toList();
  }

  /** The recorded set of a layer, if one exists and its files are there. */
  Optional<ActivationSet> existing(long modelId, long datasetId, int layer, String hook, int contextLength) {
    return sets.findByModelIdAndDatasetIdAndLayerAndHookAndContextLength(modelId, datasetId, layer, hook,
        contextLength).filter(s -> Files.exists(Path.of(s.getMatrixPath())));
  }

  Path store() {
    return store;
  }

  /**
   * Registers newly recorded sets (inside the job's completion transaction); returns the ids per layer. When
   * another job registered the same set meanwhile (a collection and a factorization of the same data running at
   * once), its row and files stay and this job's identical copies are removed once the transaction commits.
   */
  public Map<Integer, Long> register(Prepared prepared) {
    Map<Integer, Long> ids = new LinkedHashMap<>();
    prepared.reused().forEach((layer, s) -> ids.put(layer, s.getId()));
    List<Path> redundant = new ArrayList<>();
    prepared.recorded().forEach((layer, s) -> {
      Optional<Long> inserted = jdbc.sql("INSERT INTO activation_set (model_id, dataset_id, layer, hook, context_length,"
              + " d, n_tokens, dtype, matrix_path, index_path, job_id, seconds) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
              + " ON CONFLICT (model_id, dataset_id, layer, hook, context_length) DO NOTHING RETURNING id")
          .params(s.getModelId(), s.getDatasetId(), s.getLayer(), s.getHook(), s.getContextLength(), s.getD(),
              s.getNTokens(), s.getDtype(), s.getMatrixPath(), s.getIndexPath(), s.getJobId(), s.getSeconds())
          .query(Long.class)
          .optional();
      ids.put(layer, inserted.orElseGet(() -> keepExistingOrReplace(s, redundant)));
    });
    if (!redundant.isEmpty() && redundant.size() == prepared.recorded().size()) {
      redundant.add(Path.of(prepared.recorded().values().iterator().next().getIndexPath()));
    }
    deleteAfterCommit(redundant);
    return ids;
  }

  /** The registered row of the same set: kept when its files exist (ours are redundant), else pointed at ours. */
  private long keepExistingOrReplace(ActivationSet s, List<Path> redundant) {
    record Existing(long id, String matrixPath) {}
    Existing existing = jdbc.sql("SELECT id, matrix_path FROM activation_set WHERE model_id = ? AND dataset_id = ?"
            + " AND layer = ? AND hook = ? AND context_length = ? FOR UPDATE")
        .params(s.getModelId(), s.getDatasetId(), s.getLayer(), s.getHook(), s.getContextLength())
        .query((rs, i) -> new Existing(rs.getLong(1), rs.getString(2)))
        .single();
    if (Files.exists(Path.of(existing.matrixPath())) && !existing.matrixPath().equals(s.getMatrixPath())) {
      redundant.add(Path.of(s.getMatrixPath()));
      return existing.id();
    }
    jdbc.sql("UPDATE activation_set SET d = ?, n_tokens = ?, matrix_path = ?, index_path = ?, job_id = ?,"
            + " seconds = ? WHERE id = ?")
        .params(s.getD(), s.getNTokens(), s.getMatrixPath(), s.getIndexPath(), s.getJobId(), s.getSeconds(),
            existing.id())
        .update();
    return existing.id();
  }

  private static void deleteAfterCommit(List<Path> files) {
    if (files.isEmpty()) {
      return;
    }
    Runnable delete = () -> {
      for (Path file : files) {
        try {
          ActivationSetDeletion.deleteQuietly(file); // a shard manifest with its parts
          Path dir = file.getParent();
          try (var left = Files.list(dir)) {
            if (left.findAny().isEmpty()) {
              Files.delete(dir);
            }
          }
        } catch (java.io.IOException e) {
          log.warn("Could not remove the redundant activation file {}: {}", file, e.toString());
        }
      }
    };
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          delete.run();
        }
      });
    } else {
      delete.run();
    }
  }

}
