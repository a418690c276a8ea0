package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.DomainException;
import io.snmfservice.evaluation.service.EvaluationRequest;
import io.snmfservice.evaluation.service.EvaluationService;
import io.snmfservice.jobs.Job;
import io.snmfservice.models.ModelService;
import io.snmfservice.models.ModelView;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;

/** Concept-detection evaluations: a form for one concept, the list, and AUROC/accuracy tables with bars. */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class EvaluationsController {

  private final EvaluationService evaluations;
  private final ModelService models;
  private final Forms forms;

  EvaluationsController(EvaluationService evaluations, ModelService models, Forms forms) {
    this.evaluations = evaluations;
    this.models = models;
    this.forms = forms;
  }

  /** One table row: method, vector, metrics; {@code best} marks the best AUROC of its concept. */
  record Row(String method, String vector, String featureHref, double auroc, double accuracy, boolean best) {}

  @GetMapping("/ui/evaluations")
  String list(Model model) {
    if (!model.containsAttribute("form")) {
      model.addAttribute("form", new LinkedMultiValueMap<String, String>());
    }
    model.addAttribute("evaluations", evaluations.list(0, 100));
    model.addAttribute("models", models.list(0, 200).map(ModelView::of).getContent());
    return "ui/evaluations";
  }

  @PostMapping("/ui/evaluations")
  String create(@RequestParam MultiValueMap<String, String> form, Model model, HttpServletResponse response) {
    try {
      Forms.Values v = Forms.of(form).integer("modelId").integer("layer").integers("featureIds");
      Map<String, Object> concept = new LinkedHashMap<>();
      concept.put("name", form.getFirst("concept"));
      concept.put("sentences", Forms.of(form).lines("sentences").map().getOrDefault("sentences", List.of()));
      concept.put("neutral", Forms.of(form).lines("neutral").map().getOrDefault("neutral", List.of()));
      v.put("concepts", List.of(concept));
      Job job = evaluations.submit(forms.bind(v.map(), EvaluationRequest.class), null);
      return "redirect:/ui/jobs/" + job.id();
    } catch (DomainException e) {
      response.setStatus(e.status());
      model.addAttribute("problem", Problem.of(e));
      model.addAttribute("form", form);
      return list(model);
    }
  }

  @GetMapping("/ui/evaluations/{id}")
  String evaluation(@PathVariable long id, Model model) {
    JsonNode evaluation = evaluations.get(id);
    Map<String, List<Row>> byConcept = new LinkedHashMap<>();
    Map<String, Double> best = new LinkedHashMap<>();
    for (JsonNode r : evaluation.path("rows")) {
      best.merge(r.get("concept").asString(), r.get("auroc").asDouble(), Math::max);
    }
    for (JsonNode r : evaluation.path("rows")) {
      String concept = r.get("concept").asString();
      String vector = r.get("vectorId").asString();
      String href = vector.startsWith("feature-") ? "/ui/features/" + vector.substring("feature-".length()) : null;
      byConcept.computeIfAbsent(concept, c -> new ArrayList<>()).add(new Row(r.get("method").asString(), vector,
          href, r.get("auroc").asDouble(), r.get("accuracy").asDouble(), r.get("auroc").asDouble() == best.get(concept)));
    }
    model.addAttribute("evaluation", evaluation);
    model.addAttribute("concepts", byConcept);
    return "ui/evaluation";
  }
}
