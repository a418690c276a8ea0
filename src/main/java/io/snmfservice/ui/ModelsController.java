package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.DomainException;
import io.snmfservice.models.ModelService;
import io.snmfservice.models.ModelView;
import io.snmfservice.models.RegisterModelRequest;
import io.snmfservice.web.Paging;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Registered models and the registration form (the API's POST /v1/models as a form). */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class ModelsController {

  private final ModelService models;
  private final Forms forms;

  ModelsController(ModelService models, Forms forms) {
    this.models = models;
    this.forms = forms;
  }

  @GetMapping("/ui/models")
  String list(@RequestParam(defaultValue = "0") int page, Model model) {
    if (!model.containsAttribute("form")) {
      model.addAttribute("form", new LinkedMultiValueMap<String, String>());
    }
    var result = models.list(Paging.ofLink(page, 50).page(), 50);
    model.addAttribute("models", result.map(ModelView::of).getContent());
    model.addAttribute("page", result.getNumber());
    model.addAttribute("pages", Math.max(1, result.getTotalPages()));
    return "ui/models";
  }

  @PostMapping("/ui/models")
  String register(@RequestParam MultiValueMap<String, String> form, Model model, HttpServletResponse response,
      RedirectAttributes redirect) {
    try {
      RegisterModelRequest request = forms.bind(
          Forms.of(form).text("name").text("source").text("repoId").text("revision").text("path").map(),
          RegisterModelRequest.class);
      var registered = models.register(request);
      redirect.addFlashAttribute("notice", "Registered model " + registered.getName() + " (id " + registered.getId() + ").");
      return "redirect:/ui/models";
    } catch (DomainException e) {
      response.setStatus(e.status());
      model.addAttribute("problem", Problem.of(e));
      model.addAttribute("form", form);
      return list(0, model);
    }
  }
}
