package io.snmfservice.vectors.service;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.security.CallerPermits;
import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.TokenBatch;
import io.snmfservice.vectors.SaeConfig;
import io.snmfservice.vectors.SaeEncoder;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import jakarta.validation.Valid;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
  private final ModelRuntime runtime;
  private final CallerPermits permits;

  VectorSetController(VectorSetService sets, VectorSetStore store, ModelRuntime runtime, CallerPermits permits) {
    this.sets = sets;
    this.store = store;
    this.runtime = runtime;
    this.permits = permits;
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

  /** Per token: the largest SAE latents, L0 and the reconstruction's mean squared error. */
  record TokenLatents(int position, int tokenId, String token, int[] ids, float[] values, int l0,
      double reconstructionMse) {}

  record Encoding(long vectorSetId, String hook, int[] tokens, List<TokenLatents> latents) {}

  /** Runs text through the model and encodes the hook's activations with the set's SAE. */
  @PostMapping("/v1/vector-sets/{id}/encode")
  Encoding encode(@PathVariable long id, @Valid @RequestBody EncodeRequest r) {
    VectorSetView set = store.get(id);
    boolean hasTokens = r.tokens() != null && r.tokens().length > 0; // generated clients send [] for "none"
    if ((r.text() != null) == hasTokens) {
      throw Invalid.malformed("give exactly one of text and tokens");
    }
    int top = r.top() == null ? 10 : r.top();
    // the permit before the encoder: loading its weights is part of the cost
    try (CallerPermits.Compute permit = permits.acquireCompute("encoding");
        ModelRuntime.Lease lease = runtime.acquire(set.modelId())) {
      SaeEncoder encoder = sets.encoder(id);
      permit.checkTime();
      HookedTransformer model = lease.get().transformer();
      int[] tokens = hasTokens ? r.tokens() : lease.get().tokenizer().encode(r.text());
      int bos = model.config().bosId();
      if (r.text() != null && bos >= 0 && !Boolean.FALSE.equals(r.prependBos())) {
        int[] withBos = new int[tokens.length + 1];
        withBos[0] = bos;
        System.arraycopy(tokens, 0, withBos, 1, tokens.length);
        tokens = withBos;
      }
      if (tokens.length == 0 || tokens.length > Math.min(256, model.config().maxContext())) {
        throw Invalid.value((hasTokens ? "tokens" : "text") + ": need 1.."
            + Math.min(256, model.config().maxContext()) + " tokens, got " + tokens.length);
      }
      ForwardResult result;
      try {
        result = model.forward(TokenBatch.single(tokens), HookSpec.logits(LogitsMode.NONE).withCapture(set.hook()));
      } catch (IllegalArgumentException e) {
        throw Invalid.value(e.getMessage());
      }
      List<TokenLatents> out = new ArrayList<>();
      for (int t = 0; t < tokens.length; t++) {
        permit.checkTime();
        float[] x = result.capture(set.hook(), 0, t);
        float[] f = encoder.encode(x);
        float[] xHat = encoder.decode(f);
        double mse = 0;
        for (int i = 0; i < x.length; i++) {
          mse += ((double) x[i] - xHat[i]) * ((double) x[i] - xHat[i]);
        }
        int l0 = 0;
        for (float v : f) {
          l0 += v > 0 ? 1 : 0;
        }
        Integer[] order = new Integer[f.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -f[i]).thenComparingInt(i -> i));
        int k = Math.min(top, f.length);
        int[] ids = new int[k];
        float[] values = new float[k];
        for (int i = 0; i < k; i++) {
          ids[i] = order[i];
          values[i] = f[order[i]];
        }
        out.add(new TokenLatents(t, tokens[t], lease.get().tokenizer().tokenText(tokens[t]), ids, values, l0,
            mse / x.length));
      }
      return new Encoding(id, set.hook(), tokens, out);
    }
  }

  private static ResponseEntity<VectorSetView> created(VectorSetView view) {
    return ResponseEntity.created(URI.create("/v1/vector-sets/" + view.id())).body(view);
  }
}
