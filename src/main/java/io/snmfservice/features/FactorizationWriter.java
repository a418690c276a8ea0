package io.snmfservice.features;

import static io.snmfservice.storage.SqlValues.array;
import static io.snmfservice.storage.SqlValues.boxed;
import static io.snmfservice.storage.SqlValues.text;
import static io.snmfservice.storage.SqlValues.texts;

import io.snmfservice.activations.ActivationSet;
import io.snmfservice.activations.ActivationSetService;
import io.snmfservice.features.read.PreparedReadWriter;
import io.snmfservice.snmf.HierarchyResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stores a factorization with all its features, top inputs, vocabulary projections and links. Runs inside the
 * job's completion transaction: either everything is stored together with the SUCCEEDED status, or nothing.
 */
@Component
class FactorizationWriter {

  private final JdbcTemplate jdbc;
  private final ActivationSetService activations;
  private final JsonMapper json;
  private final PreparedReadWriter preparedReads;

  FactorizationWriter(JdbcTemplate jdbc, ActivationSetService activations, JsonMapper json,
      PreparedReadWriter preparedReads) {
    this.jdbc = jdbc;
    this.activations = activations;
    this.json = json;
    this.preparedReads = preparedReads;
  }

  JsonNode write(long jobId, FactorizationSettings s, ActivationSetService.Prepared prepared, ActivationSet set,
      HierarchyResult factors, Interpretation interpretation, FactorizationJobHandler.Timings timings, Path dir) {
    Map<Integer, Long> setIds = activations.register(prepared);
    long factorizationId = jdbc.queryForObject(
        "INSERT INTO factorization (job_id, model_id, dataset_id, activation_set_id, layer, hook, settings, levels,"
            + " d, n_tokens, iterations, best_iteration, loss_curve, relative_error, timings, factor_dir)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) RETURNING id",
        Long.class,
        jobId, s.modelId(), s.datasetId(), setIds.get(s.layer()), s.layer(), s.hook(),
        json.writeValueAsString(s), array(jdbc, "integer", s.levels().toArray()), set.getD(), set.getNTokens(),
        factors.tokens().iterations(), factors.tokens().bestIteration(),
        array(jdbc, "float8", boxed(factors.tokens().losses())), factors.tokens().relativeError(),
        json.writeValueAsString(timings), dir.toString());

    List<long[]> ids = new ArrayList<>();
    for (List<Interpretation.Feature> level : interpretation.levels()) {
      long[] levelIds = new long[level.size()];
      for (Interpretation.Feature f : level) {
        levelIds[f.index()] = insertFeature(factorizationId, f);
      }
      ids.add(levelIds);
      insertTopInputs(level, levelIds);
      insertExamples(level, levelIds);
      insertVocab(level, levelIds);
    }
    storePromotedTokens(factorizationId);
    jdbc.queryForList("SELECT store_feature_ranks(?)", factorizationId); // the list's pages (V16)
    for (int l = 0; l < interpretation.links().size(); l++) {
      insertLinks(interpretation.links().get(l), ids.get(l), ids.get(l + 1));
    }
    preparedReads.prepare(factorizationId); // the cold reads' answers (V19), from the rows above
    ObjectNode summary = json.createObjectNode();
    summary.put("factorizationId", factorizationId);
    summary.put("activationSetId", setIds.get(s.layer()));
    summary.put("features", ids.stream().mapToInt(a -> a.length).sum());
    summary.put("iterations", factors.tokens().iterations());
    summary.put("relativeError", factors.tokens().relativeError());
    return summary;
  }

  private long insertFeature(long factorizationId, Interpretation.Feature f) {
    FeatureStatistics.Stats st = f.stats();
    ObjectNode histogram = json.createObjectNode();
    var edges = histogram.putArray("binEdges");
    for (double e : st.binEdges()) {
      edges.add(e);
    }
    var counts = histogram.putArray("counts");
    for (long c : st.counts()) {
      counts.add(c);
    }
    return jdbc.queryForObject(
        "INSERT INTO feature (factorization_id, level, index, direction, frequency, mean_activation, max_activation,"
            + " histogram) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) RETURNING id",
        Long.class,
        factorizationId, f.level(), f.index(), array(jdbc, "real", boxed(f.direction())), st.frequency(), st.mean(), st.max(),
        json.writeValueAsString(histogram));
  }

  private void insertTopInputs(List<Interpretation.Feature> level, long[] ids) {
    List<Object[]> rows = new ArrayList<>();
    for (Interpretation.Feature f : level) {
      for (Interpretation.TopInput t : f.topInputs()) {
        rows.add(contextRow(ids[f.index()], t));
      }
    }
    jdbc.batchUpdate(
        "INSERT INTO feature_top_input (feature_id, rank, document, position, token_id, token_text, activation,"
            + " context_start, context_token_ids, context_tokens, context_activations, context_text, context_pieces)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows, 500, (ps, r) -> setContext(ps, r, 1));
  }

  /** Examples from the activation quantiles, stored like top inputs with their bin. */
  private void insertExamples(List<Interpretation.Feature> level, long[] ids) {
    List<Object[]> rows = new ArrayList<>();
    for (Interpretation.Feature f : level) {
      for (Interpretation.Example e : f.examples()) {
        Object[] context = contextRow(ids[f.index()], e.input());
        Object[] row = new Object[context.length + 5];
        row[0] = e.bin();
        row[1] = e.low();
        row[2] = e.high();
        row[3] = e.fraction();
        row[4] = e.exact();
        System.arraycopy(context, 0, row, 5, context.length);
        rows.add(row);
      }
    }
    jdbc.batchUpdate(
        "INSERT INTO feature_example (bin, bin_low, bin_high, bin_fraction, bin_exact, feature_id, rank, document,"
            + " position, token_id, token_text, activation, context_start, context_token_ids, context_tokens,"
            + " context_activations, context_text, context_pieces)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows, 500, (ps, r) -> {
          ps.setInt(1, (Integer) r[0]);
          ps.setFloat(2, (Float) r[1]);
          ps.setFloat(3, (Float) r[2]);
          ps.setFloat(4, (Float) r[3]);
          ps.setBoolean(5, (Boolean) r[4]);
          setContext(ps, Arrays.copyOfRange(r, 5, r.length), 6);
        });
  }

  private static Object[] contextRow(long featureId, Interpretation.TopInput t) {
    return new Object[] {featureId, t.rank(), t.document(), t.position(), t.tokenId(), text(t.tokenText()),
        t.activation(), t.contextStart(), t.contextTokenIds(), texts(t.contextTokens()), t.contextActivations(),
        text(t.contextText()), texts(t.contextPieces())};
  }

  /** Binds a {@link #contextRow} from parameter {@code first} on. */
  private static void setContext(PreparedStatement ps, Object[] r, int first) throws SQLException {
    Connection c = ps.getConnection();
    int p = first;
    ps.setLong(p++, (Long) r[0]);
    ps.setInt(p++, (Integer) r[1]);
    ps.setInt(p++, (Integer) r[2]);
    ps.setInt(p++, (Integer) r[3]);
    ps.setInt(p++, (Integer) r[4]);
    ps.setString(p++, (String) r[5]);
    ps.setFloat(p++, (Float) r[6]);
    ps.setInt(p++, (Integer) r[7]);
    ps.setArray(p++, c.createArrayOf("integer", boxed((int[]) r[8])));
    ps.setArray(p++, c.createArrayOf("text", (String[]) r[9]));
    ps.setArray(p++, c.createArrayOf("real", boxed((float[]) r[10])));
    ps.setString(p++, (String) r[11]);
    ps.setArray(p, c.createArrayOf("text", (String[]) r[12]));
  }

  /** Each feature's first five promoted tokens on its row, for summaries (the aggregate of V15's backfill). */
  private void storePromotedTokens(long factorizationId) {
    jdbc.update("UPDATE feature f SET promoted_tokens = p.tokens FROM (SELECT v.feature_id,"
        + " array_agg(v.token_text ORDER BY v.rank) AS tokens FROM feature_vocab v JOIN feature ft ON ft.id = v.feature_id"
        + " WHERE ft.factorization_id = ? AND v.sign = 1 AND v.rank < 5 GROUP BY v.feature_id) p WHERE p.feature_id = f.id",
        factorizationId);
  }

  private void insertVocab(List<Interpretation.Feature> level, long[] ids) {
    List<Object[]> rows = new ArrayList<>();
    for (Interpretation.Feature f : level) {
      for (Interpretation.VocabEntry v : f.promoted()) {
        rows.add(new Object[] {ids[f.index()], 1, v});
      }
      for (Interpretation.VocabEntry v : f.suppressed()) {
        rows.add(new Object[] {ids[f.index()], -1, v});
      }
    }
    jdbc.batchUpdate(
        "INSERT INTO feature_vocab (feature_id, sign, rank, token_id, token_text, value) VALUES (?, ?, ?, ?, ?, ?)",
        rows, 1000, (PreparedStatement ps, Object[] r) -> {
          Interpretation.VocabEntry v = (Interpretation.VocabEntry) r[2];
          ps.setLong(1, (Long) r[0]);
          ps.setInt(2, (Integer) r[1]);
          ps.setInt(3, v.rank());
          ps.setInt(4, v.tokenId());
          ps.setString(5, text(v.tokenText()));
          ps.setFloat(6, v.value());
        });
  }

  private void insertLinks(double[][] links, long[] children, long[] parents) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < links.length; i++) {
      for (int j = 0; j < links[i].length; j++) {
        if (links[i][j] > 0) {
          rows.add(new Object[] {children[i], parents[j], (float) links[i][j]});
        }
      }
    }
    jdbc.batchUpdate("INSERT INTO feature_link (child_id, parent_id, weight) VALUES (?, ?, ?)", rows, 1000,
        (ps, r) -> {
          ps.setLong(1, (Long) r[0]);
          ps.setLong(2, (Long) r[1]);
          ps.setFloat(3, (Float) r[2]);
        });
  }
}
