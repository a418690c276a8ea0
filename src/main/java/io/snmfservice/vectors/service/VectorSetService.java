package io.snmfservice.vectors.service;

import io.snmfservice.errors.DomainException;
import io.snmfservice.errors.Invalid;
import io.snmfservice.models.Model;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.models.ModelService;
import io.snmfservice.storage.SqlValues;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.vectors.MatrixLimits;
import io.snmfservice.vectors.MatrixUpload;
import io.snmfservice.vectors.SaeCheckpoint;
import io.snmfservice.vectors.SaeConfig;
import io.snmfservice.vectors.SaeEncoder;
import io.snmfservice.vectors.VectorImportException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creates vector sets (SAE uploads, matrix uploads, factorizations' features, evaluations' DiffMeans vectors), checks
 * every vector against the model's hook widths before anything is stored, and hands members to steering,
 * evaluations and comparisons.
 */
@Service
public class VectorSetService {

  /** Largest set accepted (rows). */
  static final int MAX_SIZE = 131_072;

  private static final Logger log = LoggerFactory.getLogger(VectorSetService.class);

  private final ModelService models;
  private final ModelRuntime runtime;
  private final VectorSetStore store;
  private final JsonMapper json;

  VectorSetService(ModelService models, ModelRuntime runtime, VectorSetStore store, JsonMapper json) {
    this.models = models;
    this.runtime = runtime;
    this.store = store;
    this.json = json;
  }

  /** Width facts of a model, loading it once if registration could not record them. */
  record Shape(int nLayers, int dModel, int dMlp) {}

  VectorSetView importSae(long modelId, String name, String cfgJson, byte[] weights) {
    Model model = models.get(modelId);
    requireName(name);
    SaeConfig config = readingUpload(() -> SaeConfig.parse(cfgJson));
    // the config's sizes are checked against the model and the row limit before any weight is allocated
    int width = width(shape(model), config.hook());
    if (config.dIn() != width) {
      throw Invalid.value("cfg.json d_in is " + config.dIn() + " but " + widthDescription(config.hook(),
          width));
    }
    if (config.dSae() > MAX_SIZE) {
      throw Invalid.value("cfg.json d_sae is " + config.dSae() + "; a vector set holds 1.." + MAX_SIZE
          + " vectors");
    }
    SaeCheckpoint sae = withScratch(weights, path -> SaeCheckpoint.read(config, path));
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < sae.dSae(); i++) {
      labels.add("latent-" + i);
    }
    ObjectNode metadata = json.createObjectNode().put("architecture", sae.architecture())
        .put("applyBDecToInput", sae.applyBDecToInput()).put("normalizeActivations", sae.normalizeActivations())
        .put("encodable", sae.encodable()).put("dSae", sae.dSae());
    metadata.set("cfg", json.readTree(sae.cfg().toString()));
    long id = store.insert(new VectorSetStore.NewSet(modelId, name, "sae", sae.hook().layer(), sae.hook().kind(), labels,
        null, sae.wDec(), null, null, metadata, sae.bDec(), sae.encodable() ? sae.wEnc() : null,
        sae.encodable() ? sae.bEnc() : null, sae.threshold()));
    return store.get(id);
  }

  VectorSetView importMatrix(long modelId, String name, String hookName, String tensor, String fileName, byte[] bytes) {
    Model model = models.get(modelId);
    requireName(name);
    HookPoint hook = hook(hookName);
    int width = width(shape(model), hook);
    MatrixLimits limits = new MatrixLimits(MAX_SIZE, width, widthDescription(hook, width));
    float[][] rows = withScratch(bytes, path -> MatrixUpload.read(bytes, tensor, path, limits));
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      labels.add("row-" + i);
    }
    ObjectNode metadata = json.createObjectNode().put("fileName", fileName == null ? "" : fileName);
    if (tensor != null) {
      metadata.put("tensor", tensor);
    }
    return store.get(store.insert(new VectorSetStore.NewSet(modelId, name, "upload", hook.layer(), hook.kind(), labels,
        null, rows, null, null, metadata, null, null, null, null)));
  }

  VectorSetView fromFactorization(String name, long factorizationId, int level) {
    requireName(name);
    Map<String, Object> f = store.factorization(factorizationId);
    long modelId = ((Number) f.get("model_id")).longValue();
    HookPoint.Kind kind = HookPoint.Kind.ofSuffix((String) f.get("hook"));
    List<Map<String, Object>> features = store.features(factorizationId, level);
    if (features.isEmpty()) {
      throw Invalid.value("factorization " + factorizationId + " has no features at level " + level);
    }
    float[][] rows = new float[features.size()][];
    List<String> labels = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      rows[i] = SqlValues.floats((java.sql.Array) features.get(i).get("direction"));
      long featureId = ((Number) features.get(i).get("id")).longValue();
      ids.add(featureId);
      labels.add("feature-" + featureId);
    }
    ObjectNode metadata = json.createObjectNode().put("level", level);
    return store.get(store.insert(new VectorSetStore.NewSet(modelId, name, "factorization",
        ((Number) f.get("layer")).intValue(), kind, labels, ids, rows, factorizationId, null, metadata, null, null, null,
        null)));
  }

  VectorSetView fromEvaluation(String name, long evaluationId) {
    requireName(name);
    Map<String, Object> e = store.evaluation(evaluationId);
    JsonNode settings = json.readTree((String) e.get("settings"));
    JsonNode diffMeans = json.readTree((String) e.get("results")).path("diffMeans");
    if (diffMeans.isEmpty()) {
      throw Invalid.value("evaluation " + evaluationId + " has no DiffMeans vectors");
    }
    float[][] rows = new float[diffMeans.size()][];
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      rows[i] = io.snmfservice.jobs.JobParams.floats(diffMeans.get(i).get("vector"));
      labels.add("diffmeans:" + diffMeans.get(i).get("concept").asString());
    }
    HookPoint.Kind kind = settings.has("hook") ? HookPoint.parse(settings.get("hook").asString()).kind()
        : HookPoint.Kind.MLP_POST;
    return store.get(store.insert(new VectorSetStore.NewSet(((Number) e.get("model_id")).longValue(), name, "diffmeans",
        ((Number) e.get("layer")).intValue(), kind, labels, null, rows, null, evaluationId,
        json.createObjectNode(), null, null, null, null)));
  }

  /** One member (404 for an unknown set or index). */
  public VectorSetMember member(long setId, int index) {
    return store.member(setId, index);
  }

  /** Sets in id order, optionally of one model. */
  public List<VectorSetView> list(Long modelId, int offset, int limit) {
    return store.list(modelId, offset, limit);
  }

  public long count(Long modelId) {
    return store.count(modelId);
  }

  /** One page of a set's members in index order (404 for an unknown set). */
  public List<VectorSetMember> members(long setId, int offset, int limit) {
    store.get(setId);
    return store.members(setId, offset, limit);
  }

  /** All members of a set in index order. */
  public List<VectorSetMember> members(long setId) {
    VectorSetView set = store.get(setId);
    return store.members(setId, 0, set.size());
  }

  /** The set's metadata (404 if unknown). */
  public VectorSetView get(long setId) {
    return store.get(setId);
  }

  /** The SAE encoder of a set; 422 when it has none. */
  public SaeEncoder encoder(long setId) {
    SaeEncoder encoder = store.encoder(setId);
    if (encoder == null) {
      throw Invalid.value("vector set " + setId + " has no SAE encoder (only standard or JumpReLU SAEs"
          + " on raw activations, uploaded with W_enc, b_enc and b_dec, can encode)");
    }
    return encoder;
  }

  Shape shape(Model model) {
    if (model.getNLayers() != null && model.getDModel() != null && model.getDMlp() != null) {
      return new Shape(model.getNLayers(), model.getDModel(), model.getDMlp());
    }
    try (ModelRuntime.Lease lease = runtime.acquire(model.getId())) {
      var c = lease.get().transformer().config();
      return new Shape(c.nLayers(), c.dModel(), c.dMlp());
    }
  }

  static HookPoint hook(String name) {
    if (name == null || name.isBlank()) {
      throw Invalid.missing("hook", "hook is required, e.g. blocks.2.hook_resid_post");
    }
    try {
      return HookPoint.parse(name);
    } catch (IllegalArgumentException e) {
      throw Invalid.value(e.getMessage());
    }
  }

  /** The hook's width in this model (d_mlp or d_model); 422 when the hook's layer does not exist. */
  static int width(Shape shape, HookPoint hook) {
    if (hook.layer() >= shape.nLayers()) {
      throw Invalid.value("hook " + hook.name() + " is outside the model's layers 0.." + (shape.nLayers() - 1));
    }
    return hook.kind() == HookPoint.Kind.MLP_POST ? shape.dMlp() : shape.dModel();
  }

  /** Ends a width-mismatch message: "… but blocks.1.hook_resid_pre of this model has width 128 (d_model)". */
  static String widthDescription(HookPoint hook, int width) {
    return hook.name() + " of this model has width " + width
        + (hook.kind() == HookPoint.Kind.MLP_POST ? " (d_mlp)" : " (d_model)");
  }

  private static void requireName(String name) {
    if (name == null || name.isBlank()) {
      throw Invalid.missing("name", "name is required");
    }
    if (name.length() > 200) {
      throw Invalid.value("name", "name must be at most 200 characters");
    }
  }

  /** Runs {@code read} on the bytes written to a temporary file, mapping every parsing failure to 422. */
  private static <T> T withScratch(byte[] bytes, java.util.function.Function<Path, T> read) {
    Path scratch = null;
    try {
      scratch = Files.createTempFile("vector-set-", ".upload");
      Files.write(scratch, bytes);
      Path file = scratch;
      return readingUpload(() -> read.apply(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (scratch != null) {
        try {
          Files.deleteIfExists(scratch);
        } catch (IOException ignored) {
          // a temp file left behind does no harm
        }
      }
    }
  }

  /**
   * Runs a parser of client bytes: its rejections become 422 with their message, and so does any other runtime
   * failure (a parser bug on hostile input is still the input's fault, never a 500).
   */
  private static <T> T readingUpload(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (VectorImportException e) {
      throw Invalid.value(e.getMessage());
    } catch (DomainException | UncheckedIOException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("an upload failed to parse unexpectedly", e);
      throw Invalid.value("the uploaded file could not be read (" + e.getClass().getSimpleName() + ")");
    }
  }
}
