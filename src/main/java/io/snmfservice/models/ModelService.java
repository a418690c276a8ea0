package io.snmfservice.models;

import io.snmfservice.errors.Conflict;
import io.snmfservice.errors.Forbidden;
import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.security.Caller;
import io.snmfservice.transformer.TransformerConfig;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** The model registry: validates where weights are, records their shape, refuses duplicates. */
@Service
public class ModelService {

  private static final Logger log = LoggerFactory.getLogger(ModelService.class);

  private final ModelRepository models;
  private final JdbcClient jdbc;
  private final CheckpointInspector inspector;
  private final ModelRoots roots;
  private final HubPolicy hubPolicy;

  public ModelService(ModelRepository models, JdbcClient jdbc, JsonMapper json, ModelRoots roots,
      HubPolicy hubPolicy) {
    this.roots = roots;
    this.hubPolicy = hubPolicy;
    this.models = models;
    this.jdbc = jdbc;
    this.inspector = new CheckpointInspector(json);
  }

  @Transactional
  public Model register(RegisterModelRequest request) {
    Model model =
        switch (request.source()) {
          case "hf" -> fromHub(request);
          case "local" -> fromFiles(request, ModelSource.LOCAL_DIR);
          case "llama2c" -> fromFiles(request, ModelSource.LLAMA2C);
          default -> throw Invalid.value("source", "source must be one of hf, local, llama2c");
        };
    if (models.existsByName(model.getName())) {
      throw new Conflict("a model named '" + model.getName() + "' is already registered");
    }
    model.setCreatedBy(Caller.currentKeyId());
    Model saved = models.saveAndFlush(model);
    log.info("Registered model {} '{}' ({})", saved.getId(), saved.getName(), request.source());
    return saved;
  }

  /** Hub models are registered before their files exist; once loaded, their shape is recorded for validation. */
  @Transactional
  public void recordShapeIfUnknown(long id, TransformerConfig config) {
    models.findById(id).filter(m -> m.getNLayers() == null).ifPresent(m -> {
      m.describe(new ModelShape(config.architectureName(), config.nLayers(), config.dModel(), config.dMlp(),
          config.vocabSize()));
      log.info("Recorded the shape of model {} '{}': {} layers, d_mlp {}", id, m.getName(), config.nLayers(),
          config.dMlp());
    });
  }

  public Model get(long id) {
    return models.findById(id).orElseThrow(() -> new NotFound("model", id));
  }

  public Page<Model> list(int page, int size) {
    return models.findAll(PageRequest.of(page, size, Sort.by("id")));
  }

  @Transactional
  public void delete(long id) {
    Model model = get(id);
    long uses = jdbc.sql("SELECT (SELECT count(*) FROM dataset WHERE model_id = ?)"
            + " + (SELECT count(*) FROM activation_set WHERE model_id = ?)"
            + " + (SELECT count(*) FROM factorization WHERE model_id = ?)")
        .params(id, id, id).query(Long.class).single();
    if (uses > 0) {
      throw new Conflict("model " + id + " is used by " + uses
          + " dataset(s), activation set(s) or factorization(s); delete them first");
    }
    models.delete(model);
    log.info("Deleted model {} '{}'", id, model.getName());
  }

  private Model fromHub(RegisterModelRequest r) {
    if (r.repoId() == null) {
      throw Invalid.missing("repoId", "repoId is required for source 'hf'");
    }
    if (r.path() != null) {
      throw Invalid.value("path", "path is not used for source 'hf'; give repoId and revision");
    }
    Caller.current().filter(c -> !c.isAdmin() && !hubPolicy.allows(r.repoId())).ifPresent(c -> {
      throw new Forbidden("the hub repository " + r.repoId() + " is not in " + HubPolicy.SETTING + " "
          + hubPolicy.patterns() + "; only admin keys may register other hub models");
    });
    String revision = r.revision() == null ? "main" : r.revision();
    String name = r.name() != null ? r.name() : r.repoId().replace('/', '-');
    return new Model(name, ModelSource.HF_HUB, r.repoId(), revision, null);
  }

  private Model fromFiles(RegisterModelRequest r, ModelSource source) {
    if (r.path() == null || r.path().isBlank()) {
      throw Invalid.missing("path", "path is required for source '" + r.source() + "'");
    }
    if (r.repoId() != null) {
      throw Invalid.value("repoId", "repoId is only used for source 'hf'");
    }
    Caller.current().filter(c -> !c.isAdmin()).ifPresent(c -> {
      throw new Forbidden("only admin keys may register models from server paths (source '" + r.source()
          + "'); register a hub model (source 'hf') instead");
    });
    Path path = roots.resolveInside(r.path()).orElseThrow(() -> Invalid.value(ModelRoots.OUTSIDE));
    ModelShape shape;
    try {
      shape = source == ModelSource.LLAMA2C ? inspector.llama2c(path) : inspector.huggingFaceDirectory(path);
    } catch (IllegalArgumentException e) {
      throw Invalid.value(e.getMessage());
    }
    String fileName = path.getFileName().toString();
    String name = r.name() != null ? r.name() : fileName.replaceFirst("\\.bin$", "");
    Model model = new Model(name, source, null, null, path.toString());
    model.describe(shape);
    return model;
  }
}
