package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.DomainException;
import io.snmfservice.features.read.FeatureQueries;
import io.snmfservice.models.ModelService;
import io.snmfservice.models.ModelView;
import io.snmfservice.steering.service.InteractiveSteering;
import io.snmfservice.steering.service.SteerRequest;
import io.snmfservice.steering.service.SteeringStore;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** A steering run (KL against α, steered beside unsteered generations, logit shifts) and the playground. */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class SteeringPagesController {

  private final SteeringStore store;
  private final InteractiveSteering interactive;
  private final ModelService models;
  private final FeatureQueries features;
  private final Forms forms;

  SteeringPagesController(SteeringStore store, InteractiveSteering interactive, ModelService models,
      FeatureQueries features, Forms forms) {
    this.store = store;
    this.interactive = interactive;
    this.models = models;
    this.features = features;
    this.forms = forms;
  }

  @GetMapping("/ui/steering/{id}")
  String run(@PathVariable long id, Model model) {
    model.addAttribute("view", SteeringRunView.of(store.run(id)));
    return "ui/steering";
  }

  @GetMapping("/ui/playground")
  String playground(@RequestParam(required = false) Long featureId, Model model) {
    MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
    if (featureId != null) {
      var feature = features.feature(featureId);
      form.add("featureId", Long.toString(featureId));
      form.add("modelId", Long.toString(features.factorization(feature.factorizationId()).modelId()));
    }
    if (!model.containsAttribute("form")) {
      model.addAttribute("form", form);
    }
    model.addAttribute("models", models.list(0, 200).map(ModelView::of).getContent());
    return "ui/playground";
  }

  /** Steered and unsteered continuations; with htmx only the result fragment. */
  @PostMapping("/ui/playground")
  String steer(@RequestParam MultiValueMap<String, String> form,
      @RequestHeader(name = "HX-Request", required = false) String htmx, Model model, HttpServletResponse response)
      throws InterruptedException {
    try {
      Forms.Values v = Forms.of(form).integer("modelId").integer("featureId").integer("layer").text("prompt")
          .number("alpha").integer("newTokens").integer("seed").number("klTarget");
      Double klTarget = (Double) v.map().remove("klTarget");
      String vector = form.getFirst("vector");
      if (vector != null && !vector.isBlank()) {
        v.numbers("vector");
      }
      if (!v.map().containsKey("alpha")) {
        v.put("alpha", klTarget != null ? 1.0 : 0.0);
      }
      model.addAttribute("result", interactive.compare(forms.bind(v.map(), SteerRequest.class), klTarget));
    } catch (DomainException e) {
      model.addAttribute("problem", Problem.answering(e, response));
    }
    model.addAttribute("form", form);
    if (htmx != null) {
      return "ui/playground :: result";
    }
    return playground(null, model);
  }
}
