package io.snmfservice.ui;

import io.snmfservice.comparisons.ComparisonStore;
import io.snmfservice.config.ConditionalOnRole;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import tools.jackson.databind.JsonNode;

/**
 * Method comparisons: the list, and one comparison's summary, per-concept table (detection, probing, steering with
 * text), budget curves, core metrics and the raw-activation probing reference. Comparisons are started through
 * the API ({@code POST /v1/comparisons}); the page reads {@code GET /v1/comparisons/{id}}'s JSON.
 */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class ComparisonsController {

  private final ComparisonStore comparisons;

  ComparisonsController(ComparisonStore comparisons) {
    this.comparisons = comparisons;
  }

  /** A method's line of the summary; {@code probing} maps k ("1", "2", "5", "all") to mean held-out accuracy. */
  record SummaryRow(String method, double auroc, double accuracy, Map<String, Double> probing, Double outputCentric,
      Double bestHarmonic) {}

  /** One steering outcome of a cell. */
  record Outcome(String target, String sign, double alpha, double kl, String status, Double outputCentric,
      Double harmonic, String rising, List<String> texts) {}

  /** One method's cell for a concept; {@code best} marks the concept's best held-out AUROC. */
  record Cell(String method, String candidate, String href, int candidates, double trainAuroc, double auroc,
      double accuracy, boolean best, Map<String, Double> probing, List<Outcome> steering) {}

  /** A concept's table and its two budget curves (uPlot specs). */
  record Concept(String name, List<Cell> cells, String aurocCurve, String probingCurve, String probingK) {}

  /** One method and split of the core metrics. */
  record CoreRow(String method, String split, long tokens, Double explainedVariance, Double recoveredVsZero,
      Double recoveredVsMean, Double kl, Double l0, int dead, int dense, int latents) {}

  /** The raw-activation reference of one hook and concept. */
  record ReferenceRow(String hook, String concept, Map<String, Double> probing) {}

  @GetMapping("/ui/comparisons")
  String list(Model model) {
    model.addAttribute("comparisons", comparisons.list(null, 0, 100));
    return "ui/comparisons";
  }

  @GetMapping("/ui/comparisons/{id}")
  String comparison(@PathVariable long id, Model model) {
    JsonNode c = comparisons.get(id);
    TreeSet<String> ks = new TreeSet<>(ComparisonsController::byK);
    List<SummaryRow> summary = new ArrayList<>();
    for (JsonNode s : c.path("summary")) {
      Map<String, Double> probing = probingMeans(s.path("meanProbingAccuracy"));
      ks.addAll(probing.keySet());
      summary.add(new SummaryRow(s.get("method").asString(), s.get("meanAuroc").asDouble(),
          s.get("meanAccuracy").asDouble(), probing, number(s.get("meanOutputCentric")),
          number(s.get("meanBestHarmonic"))));
    }
    Map<String, List<JsonNode>> byConcept = new LinkedHashMap<>();
    c.path("concepts").forEach(n -> byConcept.put(n.asString(), new ArrayList<>()));
    for (JsonNode row : c.path("rows")) {
      byConcept.computeIfAbsent(row.get("concept").asString(), k -> new ArrayList<>()).add(row);
    }
    List<Concept> concepts = new ArrayList<>();
    byConcept.forEach((name, rows) -> concepts.add(concept(name, rows)));
    model.addAttribute("comparison", c);
    model.addAttribute("ks", List.copyOf(ks));
    model.addAttribute("summary", summary);
    model.addAttribute("concepts", concepts);
    model.addAttribute("core", coreRows(c.path("coreMetrics")));
    model.addAttribute("reference", referenceRows(c.path("reference")));
    return "ui/comparison";
  }

  private static Concept concept(String name, List<JsonNode> rows) {
    double best = rows.stream().mapToDouble(r -> r.get("auroc").asDouble()).max().orElse(Double.NaN);
    List<Cell> cells = new ArrayList<>();
    TreeSet<Integer> budgets = new TreeSet<>();
    int largestK = 0;
    for (JsonNode r : rows) {
      Map<String, Double> probing = new LinkedHashMap<>();
      for (JsonNode p : r.path("probing")) {
        probing.put(p.get("all").asBoolean() ? "all" : p.get("k").asString(), p.get("testAccuracy").asDouble());
      }
      List<Outcome> steering = new ArrayList<>();
      for (JsonNode s : r.path("steering")) {
        List<String> texts = new ArrayList<>();
        s.path("generations").forEach(t -> texts.add(t.asString()));
        List<String> rising = new ArrayList<>();
        s.path("rising").forEach(t -> rising.add(t.asString()));
        steering.add(new Outcome(s.get("target").asString(), s.get("sign").asString(), s.get("alpha").asDouble(),
            s.get("kl").asDouble(), s.get("status").asString(), number(s.path("offline").get("outputCentric")),
            number(s.path("judge").get("harmonic")), String.join(" · ", rising), texts));
      }
      cells.add(new Cell(r.get("method").asString(), r.get("candidate").asString(), href(r),
          r.get("candidates").asInt(), r.get("trainAuroc").asDouble(), r.get("auroc").asDouble(),
          r.get("accuracy").asDouble(), r.get("auroc").asDouble() == best, probing, steering));
      for (JsonNode b : r.path("budgets")) {
        budgets.add(b.get("budget").asInt());
        for (var k : b.path("probing").properties()) {
          largestK = Math.max(largestK, Integer.parseInt(k.getKey()));
        }
      }
    }
    if (budgets.isEmpty()) {
      return new Concept(name, cells, null, null, null);
    }
    List<Integer> x = List.copyOf(budgets);
    List<Charts.Series> auroc = new ArrayList<>();
    List<Charts.Series> probing = new ArrayList<>();
    String k = Integer.toString(largestK);
    for (JsonNode r : rows) {
      if (r.path("budgets").isArray()) {
        Map<Integer, JsonNode> points = new LinkedHashMap<>();
        r.get("budgets").forEach(b -> points.put(b.get("budget").asInt(), b));
        List<Double> a = new ArrayList<>();
        List<Double> p = new ArrayList<>();
        for (int budget : x) {
          JsonNode point = points.get(budget);
          a.add(point == null ? null : point.get("auroc").get("mean").asDouble());
          p.add(point == null || !point.path("probing").has(k) ? null
              : point.get("probing").get(k).get("mean").asDouble());
        }
        auroc.add(new Charts.Series(r.get("method").asString(), a));
        probing.add(new Charts.Series(r.get("method").asString(), p));
      }
    }
    // budgets span 16 to thousands: a log axis keeps the small ones apart
    return new Concept(name, cells, Charts.line("candidates offered (budget)", auroc, x, true, false),
        Charts.line("candidates offered (budget)", probing, x, true, false), k);
  }

  /** The chosen candidate's page: its feature card, else its vector set. */
  private static String href(JsonNode row) {
    if (row.path("featureId").isNumber()) {
      return "/ui/features/" + row.get("featureId").asLong();
    }
    if (row.path("vectorSetId").isNumber()) {
      return "/ui/vector-sets/" + row.get("vectorSetId").asLong();
    }
    return null;
  }

  private static List<CoreRow> coreRows(JsonNode core) {
    List<CoreRow> out = new ArrayList<>();
    for (var method : core.properties()) {
      for (String split : List.of("inSample", "heldOut")) {
        JsonNode m = method.getValue().path(split);
        if (m.isObject()) {
          out.add(new CoreRow(method.getKey(), split.equals("inSample") ? "in-sample" : "held-out",
              m.get("tokens").asLong(), number(m.get("explainedVariance")), number(m.get("ceLossRecoveredVsZero")),
              number(m.get("ceLossRecoveredVsMean")), number(m.get("klSpliced")), number(m.get("l0")),
              m.get("deadLatents").asInt(), m.get("denseLatents").asInt(), m.get("latents").asInt()));
        }
      }
    }
    return out;
  }

  private static List<ReferenceRow> referenceRows(JsonNode reference) {
    List<ReferenceRow> out = new ArrayList<>();
    for (var hook : reference.properties()) {
      for (var concept : hook.getValue().properties()) {
        Map<String, Double> probing = new LinkedHashMap<>();
        for (JsonNode p : concept.getValue()) {
          probing.put(p.get("all").asBoolean() ? "all" : p.get("k").asString(), p.get("testAccuracy").asDouble());
        }
        out.add(new ReferenceRow(hook.getKey(), concept.getKey(), probing));
      }
    }
    return out;
  }

  private static Map<String, Double> probingMeans(JsonNode node) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (var e : node.properties()) {
      out.put(e.getKey(), e.getValue().asDouble());
    }
    return out;
  }

  /** k labels in numeric order, "all" last. */
  private static int byK(String a, String b) {
    return Long.compare(a.equals("all") ? Long.MAX_VALUE : Long.parseLong(a),
        b.equals("all") ? Long.MAX_VALUE : Long.parseLong(b));
  }

  private static Double number(JsonNode n) {
    return n == null || !n.isNumber() ? null : n.asDouble();
  }
}
