package io.snmfservice.scoring.service;

import io.snmfservice.activations.CollectRequest;
import io.snmfservice.datasets.Dataset;
import io.snmfservice.datasets.DatasetKind;
import io.snmfservice.datasets.DatasetService;
import io.snmfservice.errors.Invalid;
import io.snmfservice.jobs.Job;
import io.snmfservice.jobs.JobService;
import io.snmfservice.scoring.SnmfDictionary;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.vectors.service.VectorSetService;
import io.snmfservice.vectors.service.VectorSetView;
import java.util.List;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Validates and queues {@code score} jobs (404/422 before any job exists) and reads stored scores. */
@Service
public class ScoreService {

  private final ScoreStore store;
  private final VectorSetService vectorSets;
  private final DatasetService datasets;
  private final JobService jobs;
  private final JsonMapper json;

  ScoreService(ScoreStore store, VectorSetService vectorSets, DatasetService datasets, JobService jobs,
      JsonMapper json) {
    this.store = store;
    this.vectorSets = vectorSets;
    this.datasets = datasets;
    this.jobs = jobs;
    this.json = json;
  }

  public Job submit(ScoreRequest r, String idempotencyKey) {
    return jobs.submit(ScoreJobHandler.TYPE, settingsFor(r), 0, idempotencyKey);
  }

  /**
   * The request checked against what is stored (404/422) and resolved to a run's settings: the method's model and
   * hook, a factorization's own dataset and window length for its in-sample split, every default filled in. What
   * {@link CoreMetricsRunner#score} takes.
   */
  public JsonNode settingsFor(ScoreRequest r) {
    if ((r.factorizationId() == null) == (r.vectorSetId() == null)) {
      throw Invalid.value("a score needs exactly one of factorizationId, vectorSetId");
    }
    long modelId;
    String hook;
    Long inSampleDataset = null;
    int inSampleContext = 0;
    Integer level = null;
    if (r.factorizationId() != null) {
      ScoreStore.Factorization f = store.factorization(r.factorizationId());
      level = r.level() == null ? 0 : r.level();
      if (store.featureCount(r.factorizationId(), level) == 0) {
        throw Invalid.value("level", "factorization " + r.factorizationId() + " has no features at level " + level);
      }
      modelId = f.modelId();
      hook = "blocks." + f.layer() + "." + f.hookSuffix();
      inSampleDataset = f.datasetId();
      inSampleContext = f.contextLength() == null ? CollectRequest.DEFAULT_CONTEXT : f.contextLength();
    } else {
      if (r.level() != null) {
        throw Invalid.value("level", "level applies to a factorization, not to vector set " + r.vectorSetId());
      }
      VectorSetView set = vectorSets.get(r.vectorSetId());
      vectorSets.encoder(set.id()); // 422 unless it can encode
      modelId = set.modelId();
      hook = set.hook();
    }
    if (r.hook() != null) {
      HookPoint given;
      try {
        given = HookPoint.parse(r.hook());
      } catch (IllegalArgumentException e) {
        throw Invalid.value("hook", e.getMessage());
      }
      if (!given.name().equals(hook)) {
        throw Invalid.value("hook", "the scored method lives at " + hook + ", not at " + given.name());
      }
    }
    Dataset dataset = datasets.get(r.datasetId());
    if (dataset.getKind() != DatasetKind.TEXT && dataset.getModelId() != null && dataset.getModelId() != modelId) {
      throw Invalid.value("datasetId", "dataset " + r.datasetId() + " holds token ids of model "
          + dataset.getModelId() + ", the scored method belongs to model " + modelId);
    }
    ScoreSettings settings = new ScoreSettings(modelId, hook, r.factorizationId(), level, r.vectorSetId(),
        r.datasetId(), inSampleDataset, inSampleContext,
        r.maxDocuments() == null ? ScoreSettings.DEFAULT_MAX_DOCUMENTS : r.maxDocuments(),
        r.contextLength() == null ? CollectRequest.DEFAULT_CONTEXT : r.contextLength(),
        r.firingThreshold() == null ? SnmfDictionary.DEFAULT_FIRING_THRESHOLD : r.firingThreshold(),
        r.denseThreshold() == null ? 0.1 : r.denseThreshold());
    return settings.toJson(json);
  }

  public JsonNode get(long id) {
    return store.get(id);
  }

  public List<JsonNode> list(int offset, int limit) {
    return store.list(offset, limit);
  }

  public long count() {
    return store.count();
  }

  public void delete(long id) {
    store.delete(id);
  }
}
