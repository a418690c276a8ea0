package io.snmfservice.vectors.service;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.vectors.SaeConfig;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import jakarta.validation.Valid;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@ConditionalOnRole(ConditionalOnRole.Half.API)
class VectorSetController {

  private final VectorSetService sets;
  private final VectorSetStore store;
  private final SaeEncoding encoding;

  VectorSetController(VectorSetService sets, VectorSetStore store, SaeEncoding encoding) {
    this.sets = sets;
    this.store = store;
    this.encoding = encoding;
  }

  /**
   * Upload: {@code kind=sae} with parts {@code cfg} (cfg.json) and {@code weights} (sae_weights.safetensors), or
   * {@code kind=matrix} with part {@code file} (.npy or .safetensors, one vector per row) and field {@code hook}.
   * Parts and fields the kind does not use are ignored.
   */
  @PostMapping(path = "/v1/vector-sets", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  ResponseEntity<VectorSetView> upload(@RequestParam("modelId") long modelId, @RequestParam("name") String name,
      @RequestParam(name = "kind", defaultValue = "sae") String kind,
      @RequestParam(name = "hook", required = false) String hook,
      @RequestParam(name = "tensor", required = false) String tensor,
      @RequestPart(name = "cfg", required = false) MultipartFile cfg,
      @RequestPart(name = "weights", required = false) MultipartFile weights,
      @RequestPart(name = "file", required = false) MultipartFile file) throws IOException {
    VectorSetView created = switch (kind) {
      case "sae" -> {
        if (cfg == null || weights == null) {
          throw Invalid.malformed("an SAE upload needs the parts 'cfg' (cfg.json) and 'weights'"
              + " (sae_weights.safetensors)");
        }
        if (cfg.getSize() > SaeConfig.MAX_CHARS) { // checked before the bytes become a string
          throw Invalid.value("cfg", "cfg.json is " + cfg.getSize() + " bytes, at most " + SaeConfig.MAX_CHARS);
        }
        yield sets.importSae(modelId, name, new String(cfg.getBytes(), StandardCharsets.UTF_8), weights.getBytes());
      }
      case "matrix" -> {
        if (file == null) {
          throw Invalid.malformed("a matrix upload needs the part 'file' (.npy or .safetensors)");
        }
        // blank fields count as absent (generated clients send every form field)
        yield sets.importMatrix(modelId, name, hook, tensor == null || tensor.isBlank() ? null : tensor,
            file.getOriginalFilename(), file.getBytes());
      }
      default -> throw Invalid.value("kind", "kind must be 'sae' or 'matrix', got '" + kind + "'");
    };
    return created(created);
  }

  /** From stored results: a factorization's features or an evaluation's DiffMeans vectors. */
  @PostMapping(path = "/v1/vector-sets", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<VectorSetView> create(@Valid @RequestBody CreateVectorSetRequest r) {
    VectorSetView created = switch (r.source()) {
      case "factorization" -> {
        if (r.factorizationId() == null) {
          throw Invalid.missing("factorizationId", "factorizationId is required for source 'factorization'");
        }
        yield sets.fromFactorization(r.name(), r.factorizationId(), r.level() == null ? 0 : r.level());
      }
      case "diffmeans" -> {
        if (r.evaluationId() == null) {
          throw Invalid.missing("evaluationId", "evaluationId is required for source 'diffmeans'");
        }
        yield sets.fromEvaluation(r.name(), r.evaluationId());
      }
      default -> throw Invalid.value("source", "source must be 'factorization' or 'diffmeans' (upload SAEs and"
          + " matrices as multipart/form-data)");
    };
    return created(created);
  }

  @GetMapping("/v1/vector-sets")
  PageView<VectorSetView> list(@RequestParam(required = false) Long modelId,
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    return new PageView<>(store.list(modelId, paging.offset(), paging.size()), paging.page(), paging.size(),
        store.count(modelId));
  }

  @GetMapping("/v1/vector-sets/{id}")
  VectorSetView get(@PathVariable long id) {
    return store.get(id);
  }

  @DeleteMapping("/v1/vector-sets/{id}")
  ResponseEntity<Void> delete(@PathVariable long id) {
    if (!store.delete(id)) {
      throw new NotFound("vector set", id);
    }
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/v1/vector-sets/{id}/members")
  PageView<VectorSetMember> members(@PathVariable long id, @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    Paging paging = Paging.of(page, size);
    VectorSetView set = store.get(id);
    return new PageView<>(store.members(id, paging.offset(), paging.size()), paging.page(), paging.size(), set.size());
  }

  @GetMapping("/v1/vector-sets/{id}/members/{index}")
  VectorSetMember member(@PathVariable long id, @PathVariable int index) {
    return store.member(id, index);
  }

  /** Runs text through the model and encodes the hook's activations with the set's SAE. */
  @PostMapping("/v1/vector-sets/{id}/encode")
  SaeEncoding.Encoding encode(@PathVariable long id, @Valid @RequestBody EncodeRequest r) {
    return encoding.encode(id, r);
  }

  private static ResponseEntity<VectorSetView> created(VectorSetView view) {
    return ResponseEntity.created(URI.create("/v1/vector-sets/" + view.id())).body(view);
  }
}
