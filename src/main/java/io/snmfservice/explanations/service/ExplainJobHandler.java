package io.snmfservice.explanations.service;

import io.snmfservice.config.SnmfProperties;
import io.snmfservice.explanations.FeatureExplainer;
import io.snmfservice.explanations.FuzzSamples;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.steering.JudgeClient;
import io.snmfservice.steering.JudgeSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job type {@code explain}: per feature, a description from its first {@code contexts} top-activating contexts and
 * its promoted tokens, then detection on held-out texts: its next {@code detectionContexts} top contexts (ranks
 * after the shown ones) as activating, and as many best contexts of other features of the factorization (not among
 * this feature's own) as non-activating. Then fuzzing on the same held-out texts: the activating ones with this
 * feature's activating tokens marked, the non-activating ones with wrong tokens marked ({@link FuzzSamples}, seeded
 * by the feature id). Features the judge cannot describe are skipped (counted in the result).
 */
@Component
class ExplainJobHandler implements JobHandler {

  static final String TYPE = "explain";
  private static final Logger log = LoggerFactory.getLogger(ExplainJobHandler.class);

  private final DescriptionStore store;
  private final SnmfProperties.Judge judge;
  private final JsonMapper json;

  ExplainJobHandler(DescriptionStore store, SnmfProperties properties, JsonMapper json) {
    this.store = store;
    this.judge = properties.judge();
    this.json = json;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobResult run(JobContext job) {
    if (!judge.enabled()) {
      throw new IllegalArgumentException("no judge is configured (snmf.judge.base-url)");
    }
    ExplainSettings settings = ExplainSettings.fromJson(json, job.params());
    long factorizationId = settings.factorizationId();
    int shown = settings.contexts();
    int detection = settings.detectionContexts();
    List<Long> features = settings.featureIds();
    JudgeClient client = new JudgeClient(JudgeSettings.of(URI.create(judge.baseUrl()), judge.model(), judge.apiKey())
        .withTimeout(judge.timeout()));
    FeatureExplainer explainer = new FeatureExplainer(client);
    List<DescriptionStore.FeatureContext> pool = store.firstContexts(factorizationId, detection);
    List<DescriptionStore.Written> written = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      long featureId = features.get(i);
      job.report("explain", (double) i / features.size(), "feature " + (i + 1) + "/" + features.size());
      List<DescriptionStore.Context> contexts = store.contexts(featureId);
      if (contexts.isEmpty()) {
        continue;
      }
      List<String> marked = contexts.subList(0, Math.min(shown, contexts.size())).stream()
          .map(DescriptionStore.Context::marked).toList();
      String description = explainer.describe(marked, store.promoted(featureId, 10));
      if (description == null) {
        continue;
      }
      List<DescriptionStore.Context> heldOut = contexts.subList(Math.min(shown, contexts.size()),
          Math.min(shown + detection, contexts.size()));
      List<DescriptionStore.FeatureContext> others = nonActivating(featureId, contexts, pool, detection);
      FeatureExplainer.Detection detected = explainer.detect(description,
          heldOut.stream().map(DescriptionStore.Context::text).toList(),
          others.stream().map(DescriptionStore.FeatureContext::text).toList());
      List<FuzzSamples.Sample> samples = FuzzSamples.of(heldOut.stream().map(DescriptionStore.Context::window).toList(),
          others.stream().map(DescriptionStore.FeatureContext::window).toList(), featureId);
      written.add(new DescriptionStore.Written(featureId, description, detected,
          explainer.fuzz(description, samples)));
    }
    int skipped = features.size() - written.size();
    log.info("Described {} of {} feature(s) of factorization {}", written.size(), features.size(), factorizationId);
    return new JobResult(() -> {
      var summary = (tools.jackson.databind.node.ObjectNode) store.write(job.jobId(), judge.model(), written);
      return summary.put("skipped", skipped);
    });
  }

  /** Best contexts of other features whose text is not one of this feature's own contexts. */
  private static List<DescriptionStore.FeatureContext> nonActivating(long featureId,
      List<DescriptionStore.Context> own, List<DescriptionStore.FeatureContext> pool, int count) {
    Set<String> mine = new HashSet<>();
    own.forEach(c -> mine.add(c.text()));
    List<DescriptionStore.FeatureContext> out = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (DescriptionStore.FeatureContext context : pool) {
      String text = context.text();
      if (out.size() < count && context.featureId() != featureId && !mine.contains(text) && taken.add(text)) {
        out.add(context);
      }
    }
    return out;
  }
}
