package io.snmfservice.neuronpedia;

import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.storage.SqlValues;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A factorization in the layout Neuronpedia's dashboard uploader reads (SAEDashboard's {@code batch-N.json}: per
 * feature {@code feature_index}, {@code pos_str/pos_values} and {@code neg_str/neg_values} from the vocabulary
 * projection, {@code frac_nonzero}, the activation histogram as {@code freq_hist_data_bar_values/heights}, neuron
 * alignment of the MLP-space direction, the feature {@code vector} and {@code activations} — each top-activating
 * context as {@code tokens} and {@code values} with {@code qualifying_token_index}), plus the features' descriptions
 * as {@code explanations.jsonl} (one JSON object per line: modelId, layer, index, description,
 * explanationModelName, typeName, detection and fuzzing accuracy). Fields SNMF has no counterpart for (correlated neurons and
 * features, logit histograms, decoder weight distribution) are present and empty, as the converter requires them.
 */
@Service
class NeuronpediaExport {

  /** Features per batch file (Neuronpedia's runner writes batches of this order of size). */
  static final int BATCH = 128;
  static final int ALIGNMENT = 10;

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  NeuronpediaExport(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** What the export is about, checked before the response starts. */
  record Target(long factorizationId, int level, int layer, String hook, String modelId, String source,
      long prompts, int tokensInPrompt, String dataset, int features) {}

  Target target(long factorizationId, int level, String modelId, String setName) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT z.layer, z.hook, z.settings::text AS settings,"
        + " m.name AS model_name, d.name AS dataset_name, d.document_count FROM factorization z"
        + " JOIN model m ON m.id = z.model_id JOIN dataset d ON d.id = z.dataset_id WHERE z.id = ?", factorizationId);
    if (rows.isEmpty()) {
      throw new NotFound("factorization", factorizationId);
    }
    Map<String, Object> r = rows.get(0);
    int count = jdbc.queryForObject("SELECT count(*) FROM feature WHERE factorization_id = ? AND level = ?",
        Integer.class, factorizationId, level);
    if (count == 0) {
      throw Invalid.value("factorization " + factorizationId + " has no features at level " + level);
    }
    for (String name : new String[] {modelId, setName}) {
      if (name != null && !name.matches("[A-Za-z0-9._-]{1,100}")) {
        throw Invalid.value("modelId and setName may hold letters, digits, '.', '_' and '-' only");
      }
    }
    int layer = ((Number) r.get("layer")).intValue();
    String set = setName == null ? "snmf-" + factorizationId + (level == 0 ? "" : "-level" + level) : setName;
    JsonNode settings = json.readTree((String) r.get("settings"));
    return new Target(factorizationId, level, layer, (String) r.get("hook"),
        modelId == null ? (String) r.get("model_name") : modelId, layer + "-" + set,
        ((Number) r.get("document_count")).longValue(), settings.path("contextLength").asInt(0),
        (String) r.get("dataset_name"), count);
  }

  /** Writes the ZIP: {@code batch-0.json}, {@code batch-1.json}, … and {@code explanations.jsonl}. */
  void write(Target t, OutputStream out) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      List<Long> ids = jdbc.queryForList("SELECT id FROM feature WHERE factorization_id = ? AND level = ?"
          + " ORDER BY index", Long.class, t.factorizationId(), t.level());
      for (int b = 0; b * BATCH < ids.size(); b++) {
        ObjectNode batch = json.createObjectNode().put("model_id", t.modelId()).put("layer", t.layer())
            .put("sae_set", t.source().substring(t.source().indexOf('-') + 1));
        ArrayNode features = batch.putArray("features");
        for (long id : ids.subList(b * BATCH, Math.min((b + 1) * BATCH, ids.size()))) {
          features.add(feature(t, id));
        }
        zip.putNextEntry(new ZipEntry("batch-" + b + ".json"));
        zip.write(json.writeValueAsBytes(batch));
        zip.closeEntry();
      }
      zip.putNextEntry(new ZipEntry("explanations.jsonl"));
      for (Map<String, Object> d : jdbc.queryForList("SELECT f.index, d.description, d.detection_accuracy,"
          + " d.fuzzing_accuracy,"
          + " d.judge_model FROM feature_description d JOIN feature f ON f.id = d.feature_id"
          + " WHERE f.factorization_id = ? AND f.level = ? ORDER BY f.index", t.factorizationId(), t.level())) {
        ObjectNode line = json.createObjectNode().put("modelId", t.modelId()).put("layer", t.source())
            .put("index", String.valueOf(d.get("index"))).put("description", (String) d.get("description"))
            .put("explanationModelName", (String) d.get("judge_model")).put("typeName", "snmf-service-explain")
            .put("detectionAccuracy", (Double) d.get("detection_accuracy"))
            .put("fuzzingAccuracy", (Double) d.get("fuzzing_accuracy"));
        zip.write(json.writeValueAsBytes(line));
        zip.write("\n".getBytes(StandardCharsets.UTF_8));
      }
      zip.closeEntry();
    }
  }

  private ObjectNode feature(Target t, long id) {
    ObjectNode f = json.createObjectNode();
    jdbc.query("SELECT index, direction, frequency, histogram::text AS histogram FROM feature WHERE id = ?",
        (ResultSet rs) -> {
          float[] direction = SqlValues.floats(rs.getArray("direction"));
          f.put("feature_index", rs.getInt("index"));
          NeuronAlignment alignment = NeuronAlignment.of(direction, ALIGNMENT);
          ints(f.putArray("neuron_alignment_indices"), alignment.indices());
          floats(f.putArray("neuron_alignment_values"), alignment.values());
          floats(f.putArray("neuron_alignment_l1"), alignment.l1());
          for (String empty : new String[] {"correlated_neurons_indices", "correlated_neurons_l1",
              "correlated_neurons_pearson", "correlated_features_indices", "correlated_features_l1",
              "correlated_features_pearson", "logits_hist_data_bar_heights", "logits_hist_data_bar_values",
              "decoder_weights_dist"}) {
            f.putArray(empty);
          }
          vocab(f, id, -1, "neg_str", "neg_values");
          vocab(f, id, 1, "pos_str", "pos_values");
          f.put("frac_nonzero", rs.getDouble("frequency"));
          JsonNode histogram = json.readTree(rs.getString("histogram"));
          ArrayNode centres = f.putArray("freq_hist_data_bar_values");
          JsonNode edges = histogram.path("binEdges");
          for (int i = 0; i + 1 < edges.size(); i++) {
            centres.add((edges.get(i).asDouble() + edges.get(i + 1).asDouble()) / 2);
          }
          ArrayNode heights = f.putArray("freq_hist_data_bar_heights");
          histogram.path("counts").forEach(c -> heights.add(c.asLong()));
          f.put("n_prompts_total", t.prompts()).put("n_tokens_in_prompt", t.tokensInPrompt())
              .put("dataset", t.dataset());
          floats(f.putArray("vector"), direction);
          f.put("hook_name", "blocks." + t.layer() + "." + t.hook());
        }, id);
    ArrayNode activations = f.putArray("activations");
    jdbc.query("SELECT position, context_start, context_tokens, context_activations, activation"
        + " FROM feature_top_input WHERE feature_id = ? ORDER BY rank", (ResultSet rs) -> {
          ObjectNode a = activations.addObject().put("bin_min", -1).put("bin_max", rs.getFloat("activation"))
              .put("bin_contains", -1);
          ArrayNode tokens = a.putArray("tokens");
          for (Object token : (Object[]) rs.getArray("context_tokens").getArray()) {
            tokens.add((String) token);
          }
          ArrayNode values = a.putArray("values");
          for (Object v : (Object[]) rs.getArray("context_activations").getArray()) {
            values.add(((Number) v).floatValue());
          }
          a.put("qualifying_token_index", rs.getInt("position") - rs.getInt("context_start"));
        }, id);
    return f;
  }

  private void vocab(ObjectNode f, long id, int sign, String strings, String values) {
    ArrayNode s = f.putArray(strings);
    ArrayNode v = f.putArray(values);
    jdbc.query("SELECT token_text, value FROM feature_vocab WHERE feature_id = ? AND sign = ? ORDER BY rank",
        (ResultSet rs) -> {
          s.add(rs.getString("token_text"));
          v.add(rs.getFloat("value"));
        }, id, sign);
  }

  private static void ints(ArrayNode out, int[] values) {
    for (int v : values) {
      out.add(v);
    }
  }

  private static void floats(ArrayNode out, float[] values) {
    for (float v : values) {
      out.add(v);
    }
  }

}
