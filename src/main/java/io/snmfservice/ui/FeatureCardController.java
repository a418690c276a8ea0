package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.DomainException;
import io.snmfservice.features.FeatureStatistics;
import io.snmfservice.features.read.FeatureQueries;
import io.snmfservice.features.read.FeatureViews;
import io.snmfservice.jobs.Job;
import io.snmfservice.steering.service.SteeringRequest;
import io.snmfservice.steering.service.SteeringService;
import io.snmfservice.steering.service.SteeringStore;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;

/**
 * The feature card: contexts (top and from each activation quantile) tinted by activation, histogram, vocabulary
 * projection, parents and children, causal scores and steering runs, and a form that starts a steering job.
 */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class FeatureCardController {

  private final FeatureQueries queries;
  private final SteeringService steering;
  private final SteeringStore store;
  private final Forms forms;

  FeatureCardController(FeatureQueries queries, SteeringService steering, SteeringStore store, Forms forms) {
    this.queries = queries;
    this.steering = steering;
    this.store = store;
    this.forms = forms;
  }

  /** One bar of the histogram: its activation range, count and height relative to the tallest bar. */
  record Bar(String label, long count, double percent) {}

  /** One group of example contexts: a title and the windows. */
  record ExampleGroup(String title, List<ContextView> contexts) {}

  @GetMapping("/ui/features/{id}")
  String feature(@PathVariable long id, Model model) {
    FeatureViews.FeatureDetail feature = queries.feature(id);
    FeatureViews.Factorization f = queries.factorization(feature.factorizationId());
    double scale = feature.maxActivation();
    model.addAttribute("feature", feature);
    model.addAttribute("f", f);
    model.addAttribute("top", queries.topInputs(id).stream()
        .map(t -> ContextView.of(t, scale, "#" + (t.rank() + 1))).toList());
    List<FeatureViews.Example> examples = queries.examples(id);
    model.addAttribute("intervals", intervals(examples, scale));
    model.addAttribute("quantileBins", !examples.isEmpty() && examples.get(0).binFraction() != null);
    model.addAttribute("exampleBins", FeatureStatistics.EXAMPLE_BINS);
    model.addAttribute("examplesPerBin", FeatureStatistics.EXAMPLES_PER_BIN);
    model.addAttribute("histogram", histogram(feature.histogram()));
    model.addAttribute("vocab", queries.vocab(id));
    model.addAttribute("parents", queries.parents(id));
    model.addAttribute("children", queries.children(id));
    model.addAttribute("scores", store.causalScores(id));
    List<JsonNode> runs = store.runs(null, id);
    model.addAttribute("runs", runs);
    model.addAttribute("latest", runs.isEmpty() ? null
        : SteeringRunView.of(store.run(runs.get(runs.size() - 1).get("id").asLong())));
    model.addAttribute("steerable", f.hook().equals("mlp.hook_post"));
    if (!model.containsAttribute("form")) {
      model.addAttribute("form", new LinkedMultiValueMap<String, String>());
    }
    return "ui/feature";
  }

  /** Starts a steering job for this feature (POST /v1/steering with this feature) and shows the job. */
  @PostMapping("/ui/features/{id}/steering")
  String steer(@PathVariable long id, @RequestParam MultiValueMap<String, String> form, Model model,
      HttpServletResponse response) {
    try {
      FeatureViews.FeatureDetail feature = queries.feature(id);
      long modelId = queries.factorization(feature.factorizationId()).modelId();
      Forms.Values v = Forms.of(form).numbers("klTargets").integer("generations").integer("newTokens")
          .integer("seed").put("modelId", modelId).put("featureIds", List.of(id));
      String sign = form.getFirst("signs");
      if (sign != null && !sign.isBlank() && !sign.equals("both")) {
        v.put("signs", List.of(sign));
      }
      Job job = steering.submit(forms.bind(v.map(), SteeringRequest.class), null);
      return "redirect:/ui/jobs/" + job.id();
    } catch (DomainException e) {
      response.setStatus(e.status());
      model.addAttribute("problem", Problem.of(e));
      model.addAttribute("form", form);
      return feature(id, model);
    }
  }

  private static List<ExampleGroup> intervals(List<FeatureViews.Example> examples, double scale) {
    List<ExampleGroup> groups = new ArrayList<>();
    int bin = -1;
    List<ContextView> current = null;
    for (FeatureViews.Example e : examples) {
      if (e.bin() != bin) {
        bin = e.bin();
        current = new ArrayList<>();
        groups.add(new ExampleGroup(e.binFraction() == null
            ? String.format(Locale.ROOT, "Interval %d: activation %.3g – %.3g", bin + 1, e.binLow(), e.binHigh())
            : quantileTitle(bin, e), current));
      }
      current.add(ContextView.of(e.input(), scale, String.format(Locale.ROOT, "%.3g", e.input().activation())));
    }
    return groups;
  }

  /** "90–100 %: activation 0.512 – 1.23 · 10.0 % of active tokens": quantile range, bounds and share. */
  private static String quantileTitle(int bin, FeatureViews.Example e) {
    int bins = FeatureStatistics.EXAMPLE_BINS;
    return String.format(Locale.ROOT, "%.0f–%.0f %%: activation %.3g – %.3g · %.1f %% of active tokens%s",
        100.0 * bin / bins, 100.0 * (bin + 1) / bins, e.binLow(), e.binHigh(), 100.0 * e.binFraction(),
        Boolean.TRUE.equals(e.binExact()) ? "" : " (estimated from a sample)");
  }

  private static List<Bar> histogram(JsonNode histogram) {
    List<Bar> bars = new ArrayList<>();
    JsonNode counts = histogram.path("counts");
    JsonNode edges = histogram.path("binEdges");
    long max = 1;
    for (JsonNode c : counts) {
      max = Math.max(max, c.asLong());
    }
    for (int i = 0; i < counts.size(); i++) {
      long c = counts.get(i).asLong();
      // log scale: the first bin (near-zero activations) holds most tokens and would flatten the rest
      double percent = c == 0 ? 0 : 100 * Math.log1p(c) / Math.log1p(max);
      bars.add(new Bar(String.format(Locale.ROOT, "%.3g–%.3g", edges.path(i).asDouble(), edges.path(i + 1).asDouble()),
          c, percent));
    }
    return bars;
  }
}
