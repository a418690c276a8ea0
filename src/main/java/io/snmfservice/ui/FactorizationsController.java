package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.datasets.DatasetService;
import io.snmfservice.datasets.DatasetView;
import io.snmfservice.errors.DomainException;
import io.snmfservice.errors.Invalid;
import io.snmfservice.features.FactorizationService;
import io.snmfservice.features.FactorizeRequest;
import io.snmfservice.features.read.FeatureQueries;
import io.snmfservice.features.read.FeatureViews;
import io.snmfservice.jobs.Job;
import io.snmfservice.models.ModelService;
import io.snmfservice.models.ModelView;
import io.snmfservice.web.Paging;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/** Factorizations: list and start form, one factorization's settings and loss curve, feature table, hierarchy. */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class FactorizationsController {

  static final int FEATURE_PAGE = 25;

  private final FactorizationService factorizations;
  private final FeatureQueries queries;
  private final ModelService models;
  private final DatasetService datasets;
  private final Forms forms;
  private final JsonMapper json;

  FactorizationsController(FactorizationService factorizations, FeatureQueries queries, ModelService models,
      DatasetService datasets, Forms forms, JsonMapper json) {
    this.factorizations = factorizations;
    this.queries = queries;
    this.models = models;
    this.datasets = datasets;
    this.forms = forms;
    this.json = json;
  }

  @GetMapping("/ui/factorizations")
  String list(@RequestParam(defaultValue = "0") int page, Model model) {
    if (!model.containsAttribute("form")) {
      model.addAttribute("form", new LinkedMultiValueMap<String, String>());
    }
    int p = Paging.ofLink(page, 50).page();
    long total = queries.countFactorizations(null, null);
    model.addAttribute("factorizations", queries.factorizations(null, null, Paging.of(p, 50).offset(), 50));
    model.addAttribute("page", p);
    model.addAttribute("pages", Math.max(1, (total + 49) / 50));
    model.addAttribute("models", models.list(0, 200).map(ModelView::of).getContent());
    model.addAttribute("datasets", datasets.list(0, 200).map(DatasetView::of).getContent());
    return "ui/factorizations";
  }

  @PostMapping("/ui/factorizations")
  String create(@RequestParam MultiValueMap<String, String> form, Model model, HttpServletResponse response) {
    try {
      Forms.Values v = Forms.of(form).integer("modelId").integer("datasetId").integer("layer").text("hook")
          .integers("levels").number("sparsity").integer("maxIterations").integer("contextLength")
          .integer("topInputs").integer("seed");
      List<Object> levels = v.list("levels");
      if (levels != null && levels.size() == 1) {
        v.put("k", levels.get(0)).map().remove("levels");
      }
      Job job = factorizations.submit(forms.bind(v.map(), FactorizeRequest.class), null);
      return "redirect:/ui/jobs/" + job.id();
    } catch (DomainException e) {
      response.setStatus(e.status());
      model.addAttribute("problem", Problem.of(e));
      model.addAttribute("form", form);
      return list(0, model);
    }
  }

  @GetMapping("/ui/factorizations/{id}")
  String factorization(@PathVariable long id, @RequestParam(defaultValue = "0") int level,
      @RequestParam(defaultValue = "frequency") String sort, @RequestParam(defaultValue = "desc") String order,
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "") String q, Model model) {
    FeatureViews.Factorization f = queries.factorization(id);
    model.addAttribute("f", f);
    model.addAttribute("settings", json.writerWithDefaultPrettyPrinter().writeValueAsString(f.settings()));
    model.addAttribute("timings", timings(f.timings()));
    model.addAttribute("lossChart", Charts.line("iteration", List.of(new Charts.Series("loss", f.lossCurve())),
        null, true));
    table(f, level, sort, order, page, q, model);
    return "ui/factorization";
  }

  /** The feature table alone, for htmx: sorting, paging and searching without reloading the page. */
  @GetMapping(path = "/ui/factorizations/{id}/features")
  String features(@PathVariable long id, @RequestParam(defaultValue = "0") int level,
      @RequestParam(defaultValue = "frequency") String sort, @RequestParam(defaultValue = "desc") String order,
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "") String q,
      @RequestHeader(name = "HX-Request", required = false) String htmx, Model model) {
    if (htmx == null) {
      return factorization(id, level, sort, order, page, q, model);
    }
    table(queries.factorization(id), level, sort, order, page, q, model);
    return "ui/factorization :: table";
  }

  @GetMapping("/ui/factorizations/{id}/hierarchy")
  String hierarchy(@PathVariable long id, Model model) {
    FeatureViews.Factorization f = queries.factorization(id);
    model.addAttribute("f", f);
    int top = f.levels().size() - 1;
    List<Node> roots = new ArrayList<>();
    if (top > 0) {
      for (FeatureViews.FeatureSummary coarse : queries.features(id, top, "index", false, 0, 500)) {
        roots.add(node(coarse, null, top));
      }
    }
    model.addAttribute("roots", roots);
    return "ui/hierarchy";
  }

  /** Children whose link weight is below this share of the strongest child's are counted, not listed. */
  static final double WEAK_LINK = 0.1;

  /** A coarse feature with its main children (the links down to level 0) and how many weak links were left out. */
  record Node(FeatureViews.FeatureSummary feature, Float weight, List<Node> children, int weaker) {}

  private Node node(FeatureViews.FeatureSummary feature, Float weight, int level) {
    List<Node> children = new ArrayList<>();
    int weaker = 0;
    if (level > 0) {
      List<FeatureViews.Link> links = queries.children(feature.id()); // strongest first
      float strongest = links.isEmpty() ? 0 : links.get(0).weight();
      for (FeatureViews.Link link : links) {
        if (link.weight() >= WEAK_LINK * strongest && link.weight() > 0) {
          children.add(node(link.feature(), link.weight(), level - 1));
        } else {
          weaker++;
        }
      }
    }
    return new Node(feature, weight, children, weaker);
  }

  /** Timings as "collect: 2.51 s" (stored as collectSeconds etc.). */
  private static java.util.Map<String, String> timings(tools.jackson.databind.JsonNode timings) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (var e : timings.properties()) {
      String key = e.getKey().endsWith("Seconds") ? e.getKey().substring(0, e.getKey().length() - 7) : e.getKey();
      out.put(key, e.getValue().isNumber()
          ? JobRow.human(java.time.Duration.ofMillis((long) (e.getValue().asDouble() * 1000))) : e.getValue().toString());
    }
    return out;
  }

  private void table(FeatureViews.Factorization f, int level, String sort, String order, int page, String q,
      Model model) {
    if (level < 0 || level >= f.levels().size()) {
      throw Invalid.value("level", "level must be between 0 and " + (f.levels().size() - 1));
    }
    if (!FeatureQueries.SORTS.contains(sort)) {
      throw Invalid.malformed("sort must be one of " + FeatureQueries.SORTS);
    }
    boolean descending = !order.equals("asc");
    Paging paging = Paging.ofLink(page, FEATURE_PAGE);
    int p = paging.page();
    String query = q.strip();
    List<FeatureViews.FeatureSummary> rows;
    long total;
    if (query.isEmpty()) {
      rows = queries.features(f.id(), level, sort, descending, paging.offset(), FEATURE_PAGE);
      total = f.levels().get(level);
    } else {
      // by token (projection or top input) or by text in a context, as GET .../features/search
      rows = queries.search(f.id(), query, query, 0, 500).stream().filter(r -> r.level() == level).toList();
      total = rows.size();
      rows = rows.subList(Math.min(rows.size(), paging.offset()), Math.min(rows.size(), paging.offset() + FEATURE_PAGE));
    }
    double maxFrequency = rows.stream().mapToDouble(FeatureViews.FeatureSummary::frequency).max().orElse(0);
    model.addAttribute("f", f);
    model.addAttribute("rows", rows);
    model.addAttribute("maxFrequency", maxFrequency);
    model.addAttribute("level", level);
    model.addAttribute("sort", sort);
    model.addAttribute("order", descending ? "desc" : "asc");
    model.addAttribute("page", p);
    model.addAttribute("pages", Math.max(1, (total + FEATURE_PAGE - 1) / FEATURE_PAGE));
    model.addAttribute("total", total);
    model.addAttribute("q", query);
    model.addAttribute("levels", f.levels());
  }
}
