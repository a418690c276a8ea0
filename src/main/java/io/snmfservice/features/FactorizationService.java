package io.snmfservice.features;

import io.snmfservice.activations.ActivationSetService;
import io.snmfservice.activations.HookName;
import io.snmfservice.activations.ShardedCollection;
import io.snmfservice.datasets.Dataset;
import io.snmfservice.datasets.DatasetService;
import io.snmfservice.errors.Invalid;
import io.snmfservice.jobs.Job;
import io.snmfservice.jobs.JobService;
import io.snmfservice.models.Model;
import io.snmfservice.models.ModelService;
import java.util.List;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** Validates factorization requests before any job exists, and queues them. */
@Service
public class FactorizationService {

  private final ModelService models;
  private final DatasetService datasets;
  private final ActivationSetService activations;
  private final JobService jobs;
  private final ShardedCollection sharded;
  private final JsonMapper json;

  public FactorizationService(ModelService models, DatasetService datasets, ActivationSetService activations,
      JobService jobs, ShardedCollection sharded, JsonMapper json) {
    this.sharded = sharded;
    this.models = models;
    this.datasets = datasets;
    this.activations = activations;
    this.jobs = jobs;
    this.json = json;
  }

  public Job submit(FactorizeRequest r, String idempotencyKey) {
    List<Integer> levels = levels(r);
    FactorizationSettings s = FactorizationSettings.withDefaults(r, levels);
    activations.validate(s.modelId(), s.datasetId(), List.of(s.layer()), s.hook());
    Model model = models.get(s.modelId());
    Integer d = s.hook().equals(HookName.MLP_POST) ? model.getDMlp() : model.getDModel();
    if (d != null && s.k() > d) {
      throw Invalid.value("k = " + s.k() + " exceeds the width d = " + d + " of " + s.hook());
    }
    Long tokens = knownTokenCount(s);
    if (tokens != null && s.k() > tokens) {
      throw Invalid.value(
          "k = " + s.k() + " exceeds the number of tokens (" + tokens + ") of dataset " + s.datasetId());
    }
    if (s.fineTune() && s.levels().size() < 2) {
      throw Invalid.value("fineTune needs at least two hierarchy levels");
    }
    if (s.patience() > s.maxIterations()) {
      throw Invalid.value("patience", "patience must not exceed maxIterations");
    }
    List<Integer> missing =
        activations.missingLayers(s.modelId(), s.datasetId(), List.of(s.layer()), s.hook(), s.contextLength());
    if (r.shards() == null || r.shards() <= 1 || missing.isEmpty()) {
      return jobs.submit(FactorizationJobHandler.TYPE, s.toJson(json), 0, idempotencyKey);
    }
    // the collect stage as shard jobs: the factorization runs once they are done
    return jobs.submitWithChildren(FactorizationJobHandler.TYPE, s.toJson(json), 0, idempotencyKey,
        ShardedCollection.shardType(), sharded.shardParams(s.modelId(), s.datasetId(), missing, s.hook(),
            s.contextLength(), s.batchSize(), r.shards()), FactorizationJobHandler.COLLECTED);
  }

  private static List<Integer> levels(FactorizeRequest r) {
    if (r.levels() == null) {
      if (r.k() == null) {
        throw Invalid.missing("k", "k (or levels) is required");
      }
      return List.of(r.k());
    }
    for (int i = 1; i < r.levels().size(); i++) {
      if (r.levels().get(i) >= r.levels().get(i - 1)) {
        throw Invalid.value("levels", "levels must be strictly decreasing, got " + r.levels());
      }
    }
    if (r.k() != null && !r.k().equals(r.levels().get(0))) {
      throw Invalid.value("k", "k must equal the first of levels, got k = " + r.k() + " and " + r.levels());
    }
    return r.levels();
  }

  /** Tokens of the activation matrix when known before collecting: from recorded activations or a token dataset. */
  private Long knownTokenCount(FactorizationSettings s) {
    return activations.list(s.modelId(), s.datasetId()).stream()
        .filter(a -> a.getLayer() == s.layer() && a.getHook().equals(s.hook())
            && a.getContextLength() == s.contextLength())
        .map(a -> a.getNTokens())
        .findFirst()
        .orElseGet(() -> {
          Dataset dataset = datasets.get(s.datasetId());
          return dataset.getTokenCount();
        });
  }
}
