package io.snmfservice.features.read;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prepares a factorization's reads when it is written (V19): each feature's answers as the JSON the query path
 * would send, rendered by the same row mappings and the same {@link JsonMapper} from the rows just written, and the
 * token search's scores. Call it in the transaction that writes the features, after them: the prepared rows commit
 * or vanish with them.
 */
@Component
public class PreparedReadWriter {

  /** Features rendered per round trip: bounds the memory of a factorization of many features. */
  private static final int CHUNK = 500;
  private static final String SUMMARY_TAIL = "null}";
  private static final String DETAIL_TAIL = "null,\"detectionAccuracy\":null,\"fuzzingAccuracy\":null}";

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  PreparedReadWriter(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Prepares every read of this factorization's features and marks it prepared. */
  public void prepare(long factorizationId) {
    List<Long> ids = jdbc.queryForList("SELECT id FROM feature WHERE factorization_id = ? ORDER BY id", Long.class,
        factorizationId);
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      prepareFeatures(factorizationId, chunk.get(0), chunk.get(chunk.size() - 1));
    }
    jdbc.update("INSERT INTO feature_token_score (factorization_id, token, score, level, index, feature_id)"
        + " SELECT s.* FROM (SELECT f.factorization_id, h.token, " + FeatureQueries.SearchSql.SCORE + " AS score,"
        + " f.level, f.index, f.id FROM (SELECT id, token, sum(activation), bool_or(promoted), false FROM ("
        + "SELECT t.feature_id, lower(btrim(t.token_text)), t.activation, false FROM feature_top_input t"
        + " JOIN feature ft ON ft.id = t.feature_id WHERE ft.factorization_id = ?"
        + " UNION ALL SELECT v.feature_id, lower(btrim(v.token_text)), NULL::real, true FROM feature_vocab v"
        + " JOIN feature fv ON fv.id = v.feature_id WHERE fv.factorization_id = ? AND v.sign = 1)"
        + " hit (id, token, activation, promoted) WHERE token IS NOT NULL GROUP BY id, token)"
        + " h (id, token, matching, promoted, described) JOIN feature f ON f.id = h.id) s WHERE s.score > 0",
        factorizationId, factorizationId);
    jdbc.queryForList("SELECT store_feature_pages(?)", factorizationId); // whole list pages (V23), from the above
    jdbc.update("UPDATE factorization SET reads_prepared = true WHERE id = ?", factorizationId);
  }

  /** The features with ids in [first, last] of this factorization. */
  private void prepareFeatures(long factorizationId, long first, long last) {
    Map<Long, String[]> rows = new LinkedHashMap<>();
    // rendered with no description: the stored JSON ends where a read appends the current one
    jdbc.query("SELECT " + FeatureQueries.DETAIL + " FROM feature f LEFT JOIN feature_description d ON false"
        + " WHERE f.factorization_id = ? AND f.id BETWEEN ? AND ?", rs -> {
          long id = rs.getLong("id");
          rows.put(id, new String[] {
              untail(json.writeValueAsString(FeatureQueries.summary(rs)), SUMMARY_TAIL),
              untail(json.writeValueAsString(FeatureQueries.detail(rs, json)), DETAIL_TAIL), null, null, null});
        }, factorizationId, first, last);
    Map<Long, List<FeatureViews.TopInput>> inputs = new LinkedHashMap<>();
    jdbc.query("SELECT t.* FROM feature_top_input t JOIN feature f ON f.id = t.feature_id"
            + " WHERE f.factorization_id = ? AND f.id BETWEEN ? AND ? ORDER BY t.feature_id, t.rank",
        rs -> {
          inputs.computeIfAbsent(rs.getLong("feature_id"), k -> new ArrayList<>()).add(FeatureQueries.topInput(rs));
        }, factorizationId, first, last);
    Map<Long, List<FeatureViews.Example>> examples = new LinkedHashMap<>();
    jdbc.query("SELECT e.* FROM feature_example e JOIN feature f ON f.id = e.feature_id"
            + " WHERE f.factorization_id = ? AND f.id BETWEEN ? AND ? ORDER BY e.feature_id, e.bin DESC, e.rank",
        rs -> {
          examples.computeIfAbsent(rs.getLong("feature_id"), k -> new ArrayList<>()).add(FeatureQueries.example(rs));
        }, factorizationId, first, last);
    Map<Long, List<FeatureViews.VocabToken>> promoted = new LinkedHashMap<>();
    Map<Long, List<FeatureViews.VocabToken>> suppressed = new LinkedHashMap<>();
    jdbc.query("SELECT v.* FROM feature_vocab v JOIN feature f ON f.id = v.feature_id"
            + " WHERE f.factorization_id = ? AND f.id BETWEEN ? AND ? AND v.sign IN (1, -1)"
            + " ORDER BY v.feature_id, v.sign, v.rank",
        rs -> {
          (rs.getInt("sign") == 1 ? promoted : suppressed).computeIfAbsent(rs.getLong("feature_id"),
              k -> new ArrayList<>()).add(FeatureQueries.vocabToken(rs));
        }, factorizationId, first, last);
    List<Object[]> batch = new ArrayList<>();
    for (Map.Entry<Long, String[]> row : rows.entrySet()) {
      long id = row.getKey();
      String[] r = row.getValue();
      batch.add(new Object[] {id, r[0], r[1], json.writeValueAsString(inputs.getOrDefault(id, List.of())),
          json.writeValueAsString(examples.getOrDefault(id, List.of())),
          json.writeValueAsString(new FeatureViews.VocabProjection(id, promoted.getOrDefault(id, List.of()),
              suppressed.getOrDefault(id, List.of())))});
    }
    jdbc.batchUpdate("INSERT INTO feature_read (feature_id, summary, detail, top_inputs, examples, vocab)"
        + " VALUES (?, ?, ?, ?, ?, ?)", batch);
  }

  /** The JSON without its null description and what follows it: it then ends with {@code "description":}. */
  private static String untail(String rendered, String tail) {
    if (!rendered.endsWith("\"description\":" + tail)) {
      throw new IllegalStateException("a feature's JSON no longer ends with its description: " + rendered);
    }
    return rendered.substring(0, rendered.length() - tail.length());
  }
}
