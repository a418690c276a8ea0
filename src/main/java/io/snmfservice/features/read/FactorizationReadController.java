package io.snmfservice.features.read;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/** The reads of {@code /v1/factorizations}: the list, one factorization, its features, search and export. */
@RestController
@RequestMapping("/v1/factorizations")
@ConditionalOnRole(ConditionalOnRole.Half.API)
class FactorizationReadController {

  private final FeatureQueries queries;
  private final PreparedReads prepared;
  private final JsonMapper json;

  FactorizationReadController(FeatureQueries queries, PreparedReads prepared, JsonMapper json) {
    this.queries = queries;
    this.prepared = prepared;
    this.json = json;
  }

  @GetMapping
  PageView<FeatureViews.Factorization> list(@RequestParam(required = false) Long modelId,
      @RequestParam(required = false) Long datasetId, @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    return new PageView<>(queries.factorizations(modelId, datasetId, paging.offset(), paging.size()), paging.page(),
        paging.size(), queries.countFactorizations(modelId, datasetId));
  }

  @GetMapping("/{id}")
  FeatureViews.Factorization get(@PathVariable long id) {
    return queries.factorization(id);
  }

  @GetMapping(path = "/{id}/features", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<?> features(@PathVariable long id,
      @RequestParam(defaultValue = "0") int level, @RequestParam(defaultValue = "index") String sort,
      @RequestParam(defaultValue = "asc") String order, @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    FeatureQueries.Levels levels = queries.levels(id);
    List<Integer> sizes = levels.sizes();
    if (level < 0 || level >= sizes.size()) {
      throw Invalid.value("level", "level must be between 0 and " + (sizes.size() - 1));
    }
    if (!FeatureQueries.SORTS.contains(sort)) {
      throw Invalid.malformed("sort must be one of " + FeatureQueries.SORTS);
    }
    if (!order.equals("asc") && !order.equals("desc")) {
      throw Invalid.malformed("order must be asc or desc");
    }
    if (levels.prepared()) {
      return PreparedAnswer.of(prepared.features(id, level, sort, order.equals("desc"), paging.page(), paging.size(),
          sizes.get(level)));
    }
    return ResponseEntity.ok(new PageView<>(queries.features(id, level, sort, order.equals("desc"), paging.offset(),
        paging.size()), paging.page(), paging.size(), sizes.get(level)));
  }

  /**
   * Features by token (in the vocabulary projection or as a top-activating token), by text in their contexts or
   * description: ranked by how strongly the term drives them, paged like the feature list.
   */
  @GetMapping(path = "/{id}/features/search", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<?> search(@PathVariable long id, @RequestParam(required = false) String token,
      @RequestParam(required = false) String text, @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    if ((token == null || token.isBlank()) && (text == null || text.isBlank())) {
      throw Invalid.malformed("give token or text to search for");
    }
    Paging paging = Paging.of(page, size);
    String t = blankToNull(token);
    String x = blankToNull(text);
    if (x == null) {
      byte[] answer = prepared.searchByToken(id, t, paging.page(), paging.size());
      if (answer != null) {
        return PreparedAnswer.of(answer);
      }
    }
    FeatureQueries.Found found = queries.searchPage(id, t, x, paging.offset(), paging.size());
    if (found.total() == 0) {
      queries.requireFactorization(id); // only an empty answer needs to tell "no match" from "no factorization"
    }
    return ResponseEntity.ok(new PageView<>(found.items(), paging.page(), paging.size(), found.total()));
  }

  /** F, G and the token index as .npy files in a zip ({@code format=npy}) or one safetensors file. */
  @GetMapping("/{id}/export")
  ResponseEntity<StreamingResponseBody> export(@PathVariable long id,
      @RequestParam(defaultValue = "npy") String format) {
    Path dir = Path.of(queries.factorDir(id));
    if (!Files.isDirectory(dir)) {
      throw new NotFound("factor files of factorization", id);
    }
    return switch (format) {
      case "npy" -> ResponseEntity.ok()
          .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"factorization-" + id + ".zip\"")
          .contentType(MediaType.parseMediaType("application/zip"))
          .body(out -> FactorExport.zip(dir, out));
      case "safetensors" -> ResponseEntity.ok()
          .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"factorization-" + id + ".safetensors\"")
          .contentType(MediaType.APPLICATION_OCTET_STREAM)
          .body(out -> FactorExport.safetensors(dir, json, Map.of("factorization", Long.toString(id)), out));
      default -> throw Invalid.malformed("format must be npy or safetensors");
    };
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
