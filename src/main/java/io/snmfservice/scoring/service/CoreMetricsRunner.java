package io.snmfservice.scoring.service;

import io.snmfservice.activations.ModelInputs;
import io.snmfservice.datasets.DatasetService;
import io.snmfservice.datasets.Document;
import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.jobs.Progress;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.scoring.CoreMetrics;
import io.snmfservice.scoring.CoreMetricsResult;
import io.snmfservice.scoring.Dictionary;
import io.snmfservice.scoring.MaxCosine;
import io.snmfservice.scoring.SaeDictionary;
import io.snmfservice.scoring.SnmfDictionary;
import io.snmfservice.snmf.Nd4jTensorOps;
import io.snmfservice.snmf.SnmfEncoder;
import io.snmfservice.snmf.SnmfPrecision;
import io.snmfservice.snmf.TensorOps;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.vectors.service.VectorSetService;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Computes the core metrics (docs/metrics.md) of one method on a model that is already leased: a factorization
 * level in-sample on its own documents and held-out on the given dataset, or an SAE vector set held-out. Used by
 * the {@code score} job and by the {@code compare} job's core-metrics stage; the settings come from
 * {@link ScoreService#settingsFor}.
 */
@Component
public class CoreMetricsRunner {

  private final ScoreStore store;
  private final VectorSetService vectorSets;
  private final DatasetService datasets;
  private final JsonMapper json;

  CoreMetricsRunner(ScoreStore store, VectorSetService vectorSets, DatasetService datasets, JsonMapper json) {
    this.store = store;
    this.vectorSets = vectorSets;
    this.datasets = datasets;
    this.json = json;
  }

  /**
   * @param settings what {@link ScoreService#settingsFor} returned
   * @param progress told the stage ({@code in-sample}, {@code held-out}) and the fraction of the whole run done
   * @return {@code inSample} (factorizations), {@code heldOut}, {@code weights} (the dictionary's own statistics),
   *     and for SNMF the encoder's convergence
   * @throws JobFailedException when a dataset has nothing to score or a token outside the vocabulary
   */
  public ObjectNode score(JsonNode settings, LoadedModel model, Progress progress) {
    ScoreSettings s = ScoreSettings.fromJson(json, settings);
    HookPoint hook = HookPoint.parse(s.hook());
    ObjectNode results = json.createObjectNode();
    try (TensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT64)) {
      Dictionary dictionary = s.factorizationId() == null ? new SaeDictionary(vectorSets.encoder(s.vectorSetId()))
          : new SnmfDictionary(ops, store.directions(s.factorizationId(), s.level()), SnmfEncoder.Settings.defaults(),
              s.firingThreshold());
      String firingRule = s.factorizationId() == null ? "latent > 0"
          : "g_k·‖f_k‖ > " + s.firingThreshold() + "·‖x‖";
      CoreMetrics.Options options = new CoreMetrics.Options(model.transformer().config().bosId() >= 0 ? 1 : 0,
          s.denseThreshold());
      boolean twoSplits = s.inSampleDatasetId() != null;
      if (twoSplits) {
        List<int[]> inSample = sequences(model, s.inSampleDatasetId(), s.maxDocuments(), s.inSampleContextLength());
        CoreMetricsResult r = CoreMetrics.compute(model.transformer(), hook, dictionary, inSample, options,
            f -> progress.report("in-sample", 0.5 * f));
        results.set("inSample", json.valueToTree(Metrics.of(r, s.inSampleDatasetId(), firingRule)));
      }
      List<int[]> heldOut = sequences(model, s.datasetId(), s.maxDocuments(), s.contextLength());
      CoreMetricsResult r = CoreMetrics.compute(model.transformer(), hook, dictionary, heldOut, options,
          f -> progress.report("held-out", twoSplits ? 0.5 + 0.5 * f : f));
      results.set("heldOut", json.valueToTree(Metrics.of(r, s.datasetId(), firingRule)));
      results.set("weights", json.valueToTree(new Weights(maxCosine(ops, dictionary.decoderDirections()),
          maxCosine(ops, dictionary.encoderDirections()))));
      if (dictionary instanceof SnmfDictionary level) {
        results.set("encoder", json.createObjectNode().put("maxIterationsPerBatch", level.worstIterations())
            .put("unconvergedBatches", level.unconvergedBatches()));
      }
    } catch (IllegalArgumentException e) {
      throw new JobFailedException(e.getMessage());
    }
    return results;
  }

  private static Double maxCosine(TensorOps ops, float[][] directions) {
    return directions == null ? null : Metrics.finite(MaxCosine.average(ops, directions));
  }

  /**
   * The first {@code maxDocuments} documents as model inputs: token ids (text through the model's tokenizer, a
   * leading BOS dropped), cut into windows of at most {@code contextLength} tokens, each after a BOS when the model
   * has one; windows with nothing to score are left out.
   */
  private List<int[]> sequences(LoadedModel model, long datasetId, int maxDocuments, int contextLength) {
    List<Document> documents = datasets.allDocuments(datasetId);
    List<Document> scored = documents.subList(0, Math.min(maxDocuments, documents.size()));
    List<int[]> out = ModelInputs.windows(model, datasetId, scored, contextLength).stream()
        .map(ModelInputs.Window::tokens)
        .filter(w -> w.length >= 2) // a token is scored by predicting it from the one before
        .toList();
    if (out.isEmpty()) {
      throw new JobFailedException("dataset " + datasetId + " has no document with a token to score");
    }
    return out;
  }


  /**
   * One split's metrics as stored and served (docs/metrics.md names each field). A ratio whose denominator is 0 (e.g.
   * explained variance of a single activation) is null rather than NaN, which JSON cannot hold.
   */
  record Metrics(long datasetId, long tokens, long activations, int latents, Double ceClean, Double ceSpliced,
      Double ceZero, Double ceMean, Double ceLossRecoveredVsZero, Double ceLossRecoveredVsMean, Double klSpliced,
      Double klZero, Double klMean, Double klScore, Double explainedVariance, Double mse, Double l0,
      String firingRule, int deadLatents, int denseLatents, double denseThreshold, int latentsOverOnePercent,
      io.snmfservice.scoring.DensityHistogram density, Double cossim, Double l2NormIn, Double l2NormOut,
      Double l2Ratio, Double relativeReconstructionBias, Double l1, Double explainedVarianceLegacy,
      int latentsOverTenPercent, Double normalizedFrequencyOverOnePercent, Double normalizedFrequencyOverTenPercent) {

    static Metrics of(CoreMetricsResult r, long datasetId, String firingRule) {
      CoreMetricsResult.Extras e = r.extras();
      return new Metrics(datasetId, r.predictions(), r.activations(), r.latents(), finite(r.ceClean()),
          finite(r.ceSpliced()), finite(r.ceZero()), finite(r.ceMean()), finite(r.ceLossRecoveredVsZero()),
          finite(r.ceLossRecoveredVsMean()), finite(r.klSpliced()), finite(r.klZero()), finite(r.klMean()),
          finite(r.klScore()), finite(r.explainedVariance()), finite(r.mse()), finite(r.l0()), firingRule, r.dead(),
          r.dense(), r.denseThreshold(), r.overOnePercent(), r.density(), finite(e.cosine()), finite(e.l2NormIn()),
          finite(e.l2NormOut()), finite(e.l2Ratio()), finite(e.relativeReconstructionBias()), finite(e.l1()),
          finite(e.explainedVarianceLegacy()), e.overTenPercent(), finite(e.normalizedFrequencyOverOnePercent()),
          finite(e.normalizedFrequencyOverTenPercent()));
    }

    static Double finite(double value) {
      return Double.isFinite(value) ? value : null;
    }
  }

  /**
   * Statistics of the dictionary's weights, the same for every split: SAEBench's average max cosine similarity of
   * the decoder directions and of the encoder's (null where the method has none: SNMF encodes by optimization).
   */
  record Weights(Double averageMaxDecoderCosine, Double averageMaxEncoderCosine) {}
}
