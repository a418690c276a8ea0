package io.snmfservice.ui;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A stored steering run laid out for reading: KL reached against signed α (chart data), and per outcome its logit
 * shifts and each steered generation beside the unsteered one from the same prompt and sample.
 */
record SteeringRunView(JsonNode run, String klChart, List<Outcome> outcomes) {

  static final int SHIFTS_SHOWN = 15;

  record Pair(String prompt, String unsteered, String steered) {}

  record Shift(String token, double delta) {}

  record Outcome(String sign, double target, double alpha, double kl, String status, List<Shift> rising,
      List<Shift> falling, List<Pair> pairs, JsonNode scores) {}

  static SteeringRunView of(JsonNode run) {
    List<String> prompts = new ArrayList<>();
    run.path("prompts").forEach(p -> prompts.add(p.asString()));
    Map<String, String> unsteered = new HashMap<>();
    run.path("unsteeredGenerations").forEach(g -> unsteered.put(key(g), g.path("text").asString()));
    List<JsonNode> sorted = new ArrayList<>();
    run.path("outcomes").forEach(sorted::add);
    sorted.sort(Comparator.comparingDouble(SteeringRunView::signedAlpha));
    List<Double> alphas = new ArrayList<>();
    List<Double> kls = new ArrayList<>();
    List<Double> targets = new ArrayList<>();
    for (JsonNode o : sorted) {
      alphas.add(signedAlpha(o));
      kls.add(o.path("kl").asDouble());
      targets.add(o.path("target").asDouble());
    }
    List<Outcome> outcomes = new ArrayList<>();
    run.path("outcomes").forEach(o -> {
      List<Pair> pairs = new ArrayList<>();
      o.path("generations").forEach(g -> {
        int p = g.path("prompt").asInt();
        pairs.add(new Pair(p < prompts.size() ? prompts.get(p) : "", unsteered.getOrDefault(key(g), ""),
            g.path("text").asString()));
      });
      outcomes.add(new Outcome(o.path("sign").asString(), o.path("target").asDouble(), o.path("alpha").asDouble(),
          o.path("kl").asDouble(), o.path("status").asString(), shifts(o.path("rising")), shifts(o.path("falling")),
          pairs, o.path("scores")));
    });
    String chart = Charts.line("signed α", List.of(new Charts.Series("KL reached", kls),
        new Charts.Series("KL target", targets)), alphas, false);
    return new SteeringRunView(run, chart, outcomes);
  }

  /** The strongest shifts only: the stored lists are long, the API has them all. */
  private static List<Shift> shifts(JsonNode list) {
    List<Shift> out = new ArrayList<>();
    list.forEach(s -> {
      if (out.size() < SHIFTS_SHOWN) {
        out.add(new Shift(s.path("token").asString(), s.path("delta").asDouble()));
      }
    });
    return out;
  }

  private static String key(JsonNode generation) {
    return generation.path("prompt").asInt() + "/" + generation.path("sample").asInt();
  }

  private static double signedAlpha(JsonNode outcome) {
    return (outcome.path("sign").asString().equals("-") ? -1 : 1) * outcome.path("alpha").asDouble();
  }
}
