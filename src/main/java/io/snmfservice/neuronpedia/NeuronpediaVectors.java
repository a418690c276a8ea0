package io.snmfservice.neuronpedia;

import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.storage.SqlValues;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookedTransformer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A vector set or a factorization level as the bodies of Neuronpedia's vector upload ({@code POST /api/vector/new},
 * upstream {@code apps/webapp/app/api/vector/new/route.tsx}): a JSON array with one object per vector holding
 * exactly {@code modelId}, {@code layerNumber}, {@code hookType}, {@code vector}, {@code vectorDefaultSteerStrength}
 * and {@code vectorLabel}. Neuronpedia takes vectors in the residual stream only ({@code hook_resid_pre},
 * {@code hook_resid_post}), of the model's width; so a vector at {@code hook_mlp_out} goes to
 * {@code hook_resid_post} of its block as it is (the residual stream after the block is the stream before it plus
 * the MLP output: adding v to either is the same), and an MLP-space direction f at {@code mlp.hook_post} as
 * W_out · f (the MLP output is linear in its hidden activation, the bias aside). That is exact for GPT-2 and
 * Llama; Gemma-2 normalizes the MLP output, so its MLP-space directions have no residual equivalent and are refused.
 */
@Service
class NeuronpediaVectors {

  /** Neuronpedia's limits: the longest vector it takes, and the steer strengths its route documents. */
  static final int MAX_VECTOR = 24576;
  static final double MAX_STRENGTH = 100;
  static final double DEFAULT_STRENGTH = 10;

  private final JdbcTemplate jdbc;
  private final ModelRuntime runtime;
  private final JsonMapper json;

  NeuronpediaVectors(JdbcTemplate jdbc, ModelRuntime runtime, JsonMapper json) {
    this.jdbc = jdbc;
    this.runtime = runtime;
    this.json = json;
  }

  /** What to export, checked before the response starts: rows to read and how to map them. */
  record Target(String fileName, long modelRowId, String modelId, HookPoint hook, int width, double strength,
      String rows, Object[] args, String fallbackLabel) {}

  Target vectorSet(long id, String modelId, Double strength) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT s.model_id, s.name, s.layer, s.hook, m.name AS model_name"
        + " FROM vector_set s JOIN model m ON m.id = s.model_id WHERE s.id = ?", id);
    if (rows.isEmpty()) {
      throw new NotFound("vector set", id);
    }
    Map<String, Object> r = rows.get(0);
    return target("vector-set-" + id, r, "blocks." + r.get("layer") + "." + r.get("hook"), modelId, strength,
        "SELECT index, label, vector FROM vector_set_member WHERE vector_set_id = ? ORDER BY index",
        new Object[] {id}, r.get("name") + " #");
  }

  Target factorization(long id, int level, String modelId, Double strength) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT z.model_id, z.layer, z.hook, m.name AS model_name,"
        + " (SELECT count(*) FROM feature f WHERE f.factorization_id = z.id AND f.level = ?) AS features"
        + " FROM factorization z JOIN model m ON m.id = z.model_id WHERE z.id = ?", level, id);
    if (rows.isEmpty()) {
      throw new NotFound("factorization", id);
    }
    Map<String, Object> r = rows.get(0);
    if (((Number) r.get("features")).longValue() == 0) {
      throw Invalid.value("factorization " + id + " has no features at level " + level);
    }
    String hook = "blocks." + r.get("layer") + "." + r.get("hook");
    return target("factorization-" + id + "-level" + level, r, hook, modelId, strength,
        "SELECT f.index, d.description AS label, f.direction AS vector FROM feature f"
            + " LEFT JOIN feature_description d ON d.feature_id = f.id"
            + " WHERE f.factorization_id = ? AND f.level = ? ORDER BY f.index",
        new Object[] {id, level}, "snmf-" + id + " level " + level + " #");
  }

  private Target target(String fileName, Map<String, Object> r, String hookName, String modelId, Double strength,
      String rows, Object[] args, String fallbackLabel) {
    if (modelId != null && !modelId.matches("[A-Za-z0-9._-]{1,100}")) {
      throw Invalid.value("modelId", "modelId may hold letters, digits, '.', '_' and '-' only");
    }
    double s = strength == null ? DEFAULT_STRENGTH : strength;
    if (!(Math.abs(s) <= MAX_STRENGTH)) {
      throw Invalid.value("steerStrength", "steerStrength must be within ±" + (int) MAX_STRENGTH
          + " (Neuronpedia's range)");
    }
    HookPoint hook = HookPoint.parse(hookName);
    Integer dModel = jdbc.queryForObject("SELECT d_model FROM model WHERE id = ?", Integer.class, r.get("model_id"));
    if (dModel == null) {
      throw Invalid.value("the model's width is unknown: inspect the model first");
    }
    if (dModel > MAX_VECTOR) {
      throw Invalid.value("Neuronpedia takes vectors of at most " + MAX_VECTOR + " values; this model's are " + dModel);
    }
    return new Target(fileName, ((Number) r.get("model_id")).longValue(),
        modelId == null ? (String) r.get("model_name") : modelId, hook, dModel, s, rows, args, fallbackLabel);
  }

  /**
   * The model's W_out ([d_mlp][d_model]) at the target's block when its vectors are MLP-space directions, else null;
   * 422 for a model whose MLP output is normalized. Call it before the response starts.
   */
  float[][] outputWeights(Target t) {
    if (t.hook().kind() != HookPoint.Kind.MLP_POST) {
      return null;
    }
    try (ModelRuntime.Lease lease = runtime.acquire(t.modelRowId())) {
      HookedTransformer model = lease.get().transformer();
      if (model.config().postNorms()) {
        throw Invalid.value(model.config().architectureName() + " normalizes its MLP output: an MLP-space direction"
            + " has no residual-stream vector for Neuronpedia");
      }
      return model.mlpOutWeights(t.hook().layer());
    }
  }

  /** Writes the JSON array, one upload body per vector; MLP-space directions through {@code wOut}. */
  void write(Target t, float[][] wOut, OutputStream out) throws IOException {
    String hookType = t.hook().kind() == HookPoint.Kind.RESID_PRE ? "hook_resid_pre" : "hook_resid_post";
    out.write('[');
    boolean[] first = {true};
    try {
      jdbc.query(t.rows(), (ResultSet rs) -> {
        float[] v = SqlValues.floats(rs.getArray("vector"));
        String label = rs.getString("label");
        ObjectNode body = json.createObjectNode().put("modelId", t.modelId()).put("layerNumber", t.hook().layer())
            .put("hookType", hookType);
        ArrayNode values = body.putArray("vector");
        for (float x : wOut == null ? v : residual(v, wOut)) {
          values.add(x);
        }
        body.put("vectorDefaultSteerStrength", t.strength()).put("vectorLabel",
            label == null || label.isBlank() ? t.fallbackLabel() + rs.getInt("index") : label);
        try {
          out.write(first[0] ? new byte[0] : new byte[] {','});
          out.write(json.writeValueAsBytes(body));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        first[0] = false;
      }, t.args());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    out.write("]".getBytes(StandardCharsets.US_ASCII));
  }

  /** W_out · f: row i of W_out ([d_mlp][d_model]) weighted by f_i, summed in double. */
  static float[] residual(float[] f, float[][] wOut) {
    if (f.length != wOut.length) {
      throw new IllegalArgumentException("direction has " + f.length + " values, W_out " + wOut.length + " rows");
    }
    int d = wOut[0].length;
    double[] sum = new double[d];
    for (int i = 0; i < f.length; i++) {
      if (f[i] != 0) {
        for (int j = 0; j < d; j++) {
          sum[j] += (double) f[i] * wOut[i][j];
        }
      }
    }
    float[] out = new float[d];
    for (int j = 0; j < d; j++) {
      out[j] = (float) sum[j];
    }
    return out;
  }
}
