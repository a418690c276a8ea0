package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.datasets.CreateDatasetRequest;
import io.snmfservice.datasets.Dataset;
import io.snmfservice.datasets.DatasetService;
import io.snmfservice.datasets.DatasetUploadValidator;
import io.snmfservice.datasets.DatasetView;
import io.snmfservice.errors.DomainException;
import io.snmfservice.errors.Invalid;
import io.snmfservice.jobs.Job;
import io.snmfservice.models.ModelService;
import io.snmfservice.models.ModelView;
import io.snmfservice.web.Paging;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Datasets, their documents, and one form for all kinds: pasted text or JSONL, an uploaded file, or samples
 * drawn from a model (a job).
 */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class DatasetsController {

  private final DatasetService datasets;
  private final ModelService models;
  private final Forms forms;

  DatasetsController(DatasetService datasets, ModelService models, Forms forms) {
    this.datasets = datasets;
    this.models = models;
    this.forms = forms;
  }

  @GetMapping("/ui/datasets")
  String list(@RequestParam(defaultValue = "0") int page, Model model) {
    if (!model.containsAttribute("form")) {
      model.addAttribute("form", new LinkedMultiValueMap<String, String>());
    }
    var result = datasets.list(Paging.ofLink(page, 50).page(), 50);
    model.addAttribute("datasets", result.map(DatasetView::of).getContent());
    model.addAttribute("page", result.getNumber());
    model.addAttribute("pages", Math.max(1, result.getTotalPages()));
    model.addAttribute("models", models.list(0, 200).map(ModelView::of).getContent());
    return "ui/datasets";
  }

  /** A document as text, or as its token ids. */
  record DocumentRow(String text, String tokens) {}

  @GetMapping("/ui/datasets/{id}")
  String dataset(@PathVariable long id, @RequestParam(defaultValue = "0") int page, Model model) {
    Dataset dataset = datasets.get(id);
    int p = Paging.ofLink(page, 20).page();
    model.addAttribute("dataset", DatasetView.of(dataset));
    model.addAttribute("documents", datasets.documents(id, Paging.of(p, 20).offset(), 20).stream().map(d -> new DocumentRow(d.text(),
        d.tokenIds() == null ? null : java.util.Arrays.stream(d.tokenIds()).mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(" ")))).toList());
    model.addAttribute("page", p);
    model.addAttribute("pages", Math.max(1, (dataset.getDocumentCount() + 19) / 20));
    return "ui/dataset";
  }

  @PostMapping("/ui/datasets")
  String create(@RequestParam MultiValueMap<String, String> form,
      @RequestParam(name = "file", required = false) MultipartFile file, Model model, HttpServletResponse response,
      RedirectAttributes redirect) {
    try {
      if (file != null && !file.isEmpty()) {
        Forms.Values v = Forms.of(form).text("name").text("kind").integer("modelId");
        String name = (String) v.map().getOrDefault("name", "");
        String kind = (String) v.map().getOrDefault("kind", "");
        String text = DatasetUploadValidator.validText(name, kind, file.getBytes());
        Dataset d = datasets.upload(name, kind, v.longValue("modelId"), text);
        return created(d, redirect);
      }
      CreateDatasetRequest request = forms.bind(Forms.of(form).text("name").text("kind").text("content")
          .integer("modelId").integer("count").integer("length").integer("seed").map(), CreateDatasetRequest.class);
      if (request.kind().equals("model-samples")) {
        Job job = datasets.submitSampling(request, null);
        return "redirect:/ui/jobs/" + job.id();
      }
      return created(datasets.create(request), redirect);
    } catch (DomainException e) {
      response.setStatus(e.status());
      model.addAttribute("problem", Problem.of(e));
      model.addAttribute("form", form);
      return list(0, model);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String created(Dataset d, RedirectAttributes redirect) {
    redirect.addFlashAttribute("notice", "Created dataset " + d.getName() + " with " + d.getDocumentCount()
        + " documents.");
    return "redirect:/ui/datasets/" + d.getId();
  }
}
