package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.datasets.DatasetService;
import io.snmfservice.features.read.FeatureQueries;
import io.snmfservice.jobs.JobService;
import io.snmfservice.models.ModelService;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The dashboard's start page, {@code /} redirecting to it, and the login page the access control fills in. */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class HomeController {

  private final JobService jobs;
  private final ModelService models;
  private final DatasetService datasets;
  private final FeatureQueries features;

  HomeController(JobService jobs, ModelService models, DatasetService datasets, FeatureQueries features) {
    this.jobs = jobs;
    this.models = models;
    this.datasets = datasets;
    this.features = features;
  }

  @GetMapping("/")
  String root() {
    return "redirect:/ui";
  }

  @GetMapping({"/ui", "/ui/"})
  String home(Model model) {
    model.addAttribute("jobs", JobRow.of(jobs.list(null, null, 0, 8)));
    model.addAttribute("modelCount", models.list(0, 1).getTotalElements());
    model.addAttribute("datasetCount", datasets.list(0, 1).getTotalElements());
    model.addAttribute("factorizationCount", features.countFactorizations(null, null));
    model.addAttribute("jobCount", jobs.count(null, null));
    model.addAttribute("factorizations", features.factorizations(null, null, 0, 5));
    return "ui/home";
  }

  /** The sign-in form; the security layer takes the posted key and keeps the sign-in in the session. */
  @GetMapping("/ui/login")
  String login(@RequestParam(required = false) String error, @RequestParam(required = false) String signedOut,
      @RequestParam(required = false) Long retryAfter, Model model) {
    if (error != null) {
      model.addAttribute("problem", Problem.of(HttpStatus.UNAUTHORIZED, "the API key is unknown, revoked or expired"));
    }
    if (retryAfter != null) {
      model.addAttribute("problem", Problem.of(HttpStatus.TOO_MANY_REQUESTS, "too many failed sign-ins from this"
          + " address; try again in " + Math.max(1, retryAfter) + " s"));
    }
    if (signedOut != null) {
      model.addAttribute("notice", "Signed out.");
    }
    return "ui/login";
  }
}
