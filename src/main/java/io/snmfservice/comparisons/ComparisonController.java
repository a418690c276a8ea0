package io.snmfservice.comparisons;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.Invalid;
import io.snmfservice.jobs.JobView;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import jakarta.validation.Valid;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@ConditionalOnRole(ConditionalOnRole.Half.API)
class ComparisonController {

  private final ComparisonService comparisons;
  private final ComparisonStore store;
  private final SaeBenchExport saeBench;

  ComparisonController(ComparisonService comparisons, ComparisonStore store, SaeBenchExport saeBench) {
    this.comparisons = comparisons;
    this.store = store;
    this.saeBench = saeBench;
  }

  /** Starts a {@code compare} job; 202 with the job. */
  @PostMapping("/v1/comparisons")
  ResponseEntity<JobView> create(@Valid @RequestBody ComparisonRequest request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return JobView.accepted(comparisons.submit(request, idempotencyKey));
  }

  @GetMapping("/v1/comparisons")
  PageView<JsonNode> list(@RequestParam(required = false) Long modelId, @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    return new PageView<>(store.list(modelId, paging.offset(), paging.size()), paging.page(), paging.size(),
        store.count(modelId));
  }

  @GetMapping("/v1/comparisons/{id}")
  JsonNode get(@PathVariable long id) {
    return store.get(id);
  }

  /**
   * The table as {@code format=csv} (one line per method, concept, KL target and sign) or {@code json}; or one
   * {@code method} in SAEBench's eval output layout ({@code saebench}).
   */
  @GetMapping("/v1/comparisons/{id}/export")
  ResponseEntity<?> export(@PathVariable long id, @RequestParam(defaultValue = "csv") String format,
      @RequestParam(required = false) String method) {
    return switch (format) {
      case "csv" -> ResponseEntity.ok()
          .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"comparison-" + id + ".csv\"")
          .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8)).body(store.csv(id));
      case "json" -> ResponseEntity.ok()
          .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"comparison-" + id + ".json\"")
          .contentType(MediaType.APPLICATION_JSON).body(store.get(id));
      case "saebench" -> ResponseEntity.ok()
          .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"comparison-" + id + "-saebench.json\"")
          .contentType(MediaType.APPLICATION_JSON).body(saeBench.export(id, method));
      default -> throw Invalid.value("format", "format must be csv, json or saebench, got '" + format + "'");
    };
  }
}
