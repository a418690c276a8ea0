package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.DomainException;
import io.snmfservice.errors.Invalid;
import io.snmfservice.models.ModelService;
import io.snmfservice.models.ModelView;
import io.snmfservice.vectors.service.EncodeRequest;
import io.snmfservice.vectors.service.SaeEncoding;
import io.snmfservice.vectors.service.VectorSetService;
import io.snmfservice.vectors.service.VectorSetView;
import io.snmfservice.web.Paging;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Vector sets (SAEs, uploaded matrices, factorizations' features, DiffMeans vectors), a set's members, and for SAEs
 * the API's encode as a form: per token, the latents that fire most.
 */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class VectorSetsController {

  static final int PAGE_SIZE = 50;

  private final VectorSetService sets;
  private final SaeEncoding encoding;
  private final ModelService models;
  private final Forms forms;
  private final TokenText tokenText;

  VectorSetsController(VectorSetService sets, SaeEncoding encoding, ModelService models, Forms forms,
      TokenText tokenText) {
    this.sets = sets;
    this.encoding = encoding;
    this.models = models;
    this.forms = forms;
    this.tokenText = tokenText;
  }

  @GetMapping("/ui/vector-sets")
  String list(@RequestParam(defaultValue = "0") int page, Model model) {
    Paging paging = Paging.ofLink(page, PAGE_SIZE);
    model.addAttribute("sets", sets.list(null, paging.offset(), PAGE_SIZE));
    model.addAttribute("modelNames", modelNames());
    model.addAttribute("page", paging.page());
    model.addAttribute("pages", pages(sets.count(null)));
    return "ui/vector-sets";
  }

  @GetMapping("/ui/vector-sets/{id}")
  String set(@PathVariable long id, @RequestParam(defaultValue = "0") int page, Model model) {
    VectorSetView set = sets.get(id);
    Paging paging = Paging.ofLink(page, PAGE_SIZE);
    model.addAttribute("set", set);
    model.addAttribute("modelName", modelNames().get(set.modelId()));
    model.addAttribute("members", sets.members(id, paging.offset(), PAGE_SIZE));
    model.addAttribute("page", paging.page());
    model.addAttribute("pages", pages(set.size()));
    if (!model.containsAttribute("form")) {
      model.addAttribute("form", new LinkedMultiValueMap<String, String>());
    }
    return "ui/vector-set";
  }

  /** One encoded token: what it is, the latents above zero among the top ones, L0 and the reconstruction error. */
  record TokenRow(int position, String token, List<Latent> latents, int l0, double reconstructionMse) {}

  record Latent(int id, float value) {}

  /** The encoding on the set's page; with htmx only the result fragment. */
  @PostMapping("/ui/vector-sets/{id}/encode")
  String encode(@PathVariable long id, @RequestParam MultiValueMap<String, String> form,
      @RequestHeader(name = "HX-Request", required = false) String htmx, Model model, HttpServletResponse response) {
    try {
      EncodeRequest request = forms.bind(Forms.of(form).text("text").integer("top").map(), EncodeRequest.class);
      if (request.text() == null) {
        throw Invalid.missing("text", "text is required");
      }
      model.addAttribute("tokens", rows(encoding.encode(id, request)));
    } catch (DomainException e) {
      model.addAttribute("problem", Problem.answering(e, response));
    }
    model.addAttribute("form", form);
    if (htmx != null) {
      return "ui/vector-set :: encoding";
    }
    return set(id, 0, model);
  }

  private List<TokenRow> rows(SaeEncoding.Encoding encoded) {
    return encoded.latents().stream().map(t -> {
      List<Latent> active = new ArrayList<>();
      for (int k = 0; k < t.ids().length; k++) {
        if (t.values()[k] > 0) {
          active.add(new Latent(t.ids()[k], t.values()[k]));
        }
      }
      return new TokenRow(t.position(), tokenText.show(t.token()), active, t.l0(), t.reconstructionMse());
    }).toList();
  }

  private Map<Long, String> modelNames() {
    return models.list(0, 500).map(ModelView::of).getContent().stream()
        .collect(Collectors.toMap(ModelView::id, ModelView::name, (a, b) -> a));
  }

  private static long pages(long total) {
    return Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
  }
}
