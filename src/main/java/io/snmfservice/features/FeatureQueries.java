package io.snmfservice.features;

import io.snmfservice.web.ApiException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Reads of stored factorizations and features for the API: paged, sorted, searchable. */
@Repository
public class FeatureQueries {

  /** Sort keys of the feature list and their columns (whitelisted: they go into SQL). */
  public static final Map<String, String> SORTS = Map.of(
      "index", "index", "frequency", "frequency", "maxActivation", "max_activation",
      "meanActivation", "mean_activation");

  private static final String SUMMARY = "f.id, f.factorization_id, f.level, f.index, f.frequency, f.mean_activation,"
      + " f.max_activation, f.promoted_tokens AS promoted,"
      + " (SELECT d.description FROM feature_description d WHERE d.feature_id = f.id) AS description";

  private final JdbcTemplate jdbc;
  private final JsonMapper json;
  private final RowMapper<FeatureViews.FeatureSummary> summaryRow = (rs, i) -> new FeatureViews.FeatureSummary(
      rs.getLong("id"), rs.getLong("factorization_id"), rs.getInt("level"), rs.getInt("index"),
      rs.getDouble("frequency"), rs.getDouble("mean_activation"), rs.getDouble("max_activation"),
      strings(rs.getArray("promoted")), rs.getString("description"));

  FeatureQueries(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  public FeatureViews.Factorization factorization(long id) {
    return jdbc.query("SELECT *, settings::text AS settings_json, timings::text AS timings_json FROM factorization"
            + " WHERE id = ?", this::factorizationRow, id)
        .stream().findFirst().orElseThrow(() -> ApiException.notFound("factorization", id));
  }

  public List<FeatureViews.Factorization> factorizations(Long modelId, Long datasetId, int offset, int limit) {
    return jdbc.query("SELECT *, settings::text AS settings_json, timings::text AS timings_json FROM factorization"
            + " WHERE (?::bigint IS NULL OR model_id = ?) AND (?::bigint IS NULL OR dataset_id = ?)"
            + " ORDER BY id OFFSET ? LIMIT ?",
        this::factorizationRow, modelId, modelId, datasetId, datasetId, offset, limit);
  }

  public long countFactorizations(Long modelId, Long datasetId) {
    return jdbc.queryForObject("SELECT count(*) FROM factorization WHERE (?::bigint IS NULL OR model_id = ?)"
        + " AND (?::bigint IS NULL OR dataset_id = ?)", Long.class, modelId, modelId, datasetId, datasetId);
  }

  void delete(long id) {
    jdbc.update("DELETE FROM factorization WHERE id = ?", id);
  }

  String factorDir(long id) {
    return jdbc.queryForList("SELECT factor_dir FROM factorization WHERE id = ?", String.class, id).stream()
        .findFirst().orElseThrow(() -> ApiException.notFound("factorization", id));
  }

  public List<FeatureViews.FeatureSummary> features(long factorizationId, int level, String sort, boolean descending,
      int offset, int limit) {
    String order = SORTS.get(sort) + (descending ? " DESC" : " ASC") + ", index";
    // the page's ids first (an index-only scan), then the summaries of those rows only, not of every row skipped;
    // as an array, so that even the generic plan of the prepared statement fetches them by primary key
    return jdbc.query("SELECT " + SUMMARY + " FROM feature f WHERE f.id = ANY (ARRAY(SELECT id FROM feature"
            + " WHERE factorization_id = ? AND level = ? ORDER BY " + order + " OFFSET ? LIMIT ?))"
            + " ORDER BY f." + order.replace(", index", ", f.index"),
        summaryRow, factorizationId, level, offset, limit);
  }

  /**
   * Features that {@code token} or {@code text} drives, best first. A feature's score is the share of its
   * top-activation mass on matching top inputs (the token itself, or a context containing the text), plus 0.5 when
   * the token is among its promoted vocabulary-projection tokens and 0.5 when its description contains the text.
   * Features scoring 0 do not match.
   */
  public List<FeatureViews.FeatureSummary> search(long factorizationId, String token, String text, int offset,
      int limit) {
    return searchPage(factorizationId, token, text, offset, limit).items();
  }

  /** One page of {@link #search} and how many features match in all, from one query. */
  public Found searchPage(long factorizationId, String token, String text, int offset, int limit) {
    SearchSql q = SearchSql.of(factorizationId, token, text);
    List<Object> args = new ArrayList<>(q.args());
    args.add(offset);
    args.add(limit);
    long[] total = {0};
    // the total rides along with the page (a window count), so the scoring runs once per request
    List<FeatureViews.FeatureSummary> items = jdbc.query("WITH scored AS MATERIALIZED (" + q.scored() + "),"
            + " page AS (SELECT s.id, s.level, s.index, s.score, count(*) OVER () AS total FROM scored s"
            + " WHERE s.score > 0 ORDER BY s.score DESC, s.level, s.index OFFSET ? LIMIT ?)"
            + " SELECT " + SUMMARY + ", p.total FROM page p JOIN feature f ON f.id = p.id"
            + " ORDER BY p.score DESC, p.level, p.index",
        (rs, i) -> {
          total[0] = rs.getLong("total");
          return summaryRow.mapRow(rs, i);
        }, args.toArray());
    if (items.isEmpty() && offset > 0) {
      // a page past the end has no row to carry the total
      total[0] = jdbc.queryForObject("WITH scored AS MATERIALIZED (" + q.scored() + ")"
          + " SELECT count(*) FROM scored s WHERE s.score > 0", Long.class, q.args().toArray());
    }
    return new Found(items, total[0]);
  }

  /** A page of search results and the number of matches in all. */
  public record Found(List<FeatureViews.FeatureSummary> items, long total) {}

  /**
   * The scoring query of a search, written for the terms given (no "parameter is null" branches, so the planner
   * uses the token-text indexes): candidates first, found through indexes, then joined to their features by primary
   * key and scored (candidates only, never every feature of the factorization).
   */
  private record SearchSql(String scored, List<Object> args) {

    static SearchSql of(long factorizationId, String token, String text) {
      String tokenKey = token == null ? null : token.strip().toLowerCase(Locale.ROOT);
      String like = text == null ? null : "%" + escapeLike(text) + "%";
      List<String> candidates = new ArrayList<>();
      List<String> matches = new ArrayList<>();
      List<Object> matchArgs = new ArrayList<>();
      List<Object> candidateArgs = new ArrayList<>();
      if (tokenKey != null) {
        candidates.add("SELECT t.feature_id FROM feature_top_input t WHERE lower(btrim(t.token_text)) = ?");
        candidates.add("SELECT v.feature_id FROM feature_vocab v WHERE v.sign = 1 AND lower(btrim(v.token_text)) = ?");
        candidateArgs.add(tokenKey);
        candidateArgs.add(tokenKey);
        matches.add("lower(btrim(t.token_text)) = ?");
        matchArgs.add(tokenKey);
      }
      if (like != null) {
        candidates.add("SELECT t.feature_id FROM feature_top_input t WHERE t.context_text ILIKE ?");
        candidates.add("SELECT d.feature_id FROM feature_description d WHERE d.description ILIKE ?");
        candidateArgs.add(like);
        candidateArgs.add(like);
        matches.add("t.context_text ILIKE ?");
        matchArgs.add(like);
      }
      String vocabBonus = tokenKey == null ? "" : " + CASE WHEN EXISTS (SELECT 1 FROM feature_vocab v"
          + " WHERE v.feature_id = f.id AND v.sign = 1 AND lower(btrim(v.token_text)) = ?) THEN 0.5 ELSE 0 END";
      String descriptionBonus = like == null ? "" : " + CASE WHEN EXISTS (SELECT 1 FROM feature_description d"
          + " WHERE d.feature_id = f.id AND d.description ILIKE ?) THEN 0.5 ELSE 0 END";
      String sql = "SELECT f.id, f.level, f.index, coalesce((SELECT sum(t.activation) FILTER (WHERE "
          + String.join(" OR ", matches) + ") / nullif(sum(t.activation), 0) FROM feature_top_input t"
          + " WHERE t.feature_id = f.id), 0)" + vocabBonus + descriptionBonus + " AS score"
          + " FROM (" + String.join(" UNION ", candidates) + ") c (id) JOIN feature f ON f.id = c.id"
          + " WHERE f.factorization_id = ?";
      List<Object> args = new ArrayList<>(matchArgs);
      if (tokenKey != null) {
        args.add(tokenKey);
      }
      if (like != null) {
        args.add(like);
      }
      args.addAll(candidateArgs);
      args.add(factorizationId);
      return new SearchSql(sql, args);
    }
  }

  /** How many levels the factorization has; 404 if it does not exist (reads neither loss curve nor settings). */
  /**
   * The number of features of each level of a factorization (its K per level: the writer stores exactly that many
   * features per level, with the factorization, in one transaction), without counting feature rows.
   */
  public List<Integer> levelSizes(long id) {
    return jdbc.query("SELECT levels FROM factorization WHERE id = ?", (rs, i) -> ints(rs.getArray("levels")), id)
        .stream().findFirst().orElseThrow(() -> ApiException.notFound("factorization", id));
  }

  /** 404 unless the factorization exists (without reading its loss curve and settings). */
  public void requireFactorization(long id) {
    if (!jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM factorization WHERE id = ?)", Boolean.class, id)) {
      throw ApiException.notFound("factorization", id);
    }
  }

  /** 404 unless the feature exists (without reading its direction and statistics). */
  private void requireFeature(long id) {
    if (!jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM feature WHERE id = ?)", Boolean.class, id)) {
      throw ApiException.notFound("feature", id);
    }
  }

  public FeatureViews.FeatureDetail feature(long id) {
    return jdbc.query("SELECT f.*, f.histogram::text AS histogram_json,"
            + " (SELECT count(*) FROM feature_link WHERE child_id = f.id) AS parents,"
            + " (SELECT count(*) FROM feature_link WHERE parent_id = f.id) AS children,"
            + " d.description, d.detection_accuracy FROM feature f LEFT JOIN feature_description d ON d.feature_id = f.id"
            + " WHERE f.id = ?",
        (rs, i) -> new FeatureViews.FeatureDetail(rs.getLong("id"), rs.getLong("factorization_id"), rs.getInt("level"),
            rs.getInt("index"), rs.getDouble("frequency"), rs.getDouble("mean_activation"),
            rs.getDouble("max_activation"), json.readTree(rs.getString("histogram_json")),
            floats(rs.getArray("direction")), rs.getInt("parents"), rs.getInt("children"), rs.getString("description"),
            (Double) rs.getObject("detection_accuracy")), id)
        .stream().findFirst().orElseThrow(() -> ApiException.notFound("feature", id));
  }

  public List<FeatureViews.TopInput> topInputs(long featureId) {
    List<FeatureViews.TopInput> inputs = jdbc.query(
        "SELECT * FROM feature_top_input WHERE feature_id = ? ORDER BY rank", (rs, i) -> topInput(rs), featureId);
    if (inputs.isEmpty()) {
      requireFeature(featureId); // only an empty answer needs to tell "no inputs" from "no feature"
    }
    return inputs;
  }

  /** Tokens sampled from the feature's activation intervals, strongest interval first. */
  public List<FeatureViews.Example> examples(long featureId) {
    requireFeature(featureId);
    return jdbc.query("SELECT * FROM feature_example WHERE feature_id = ? ORDER BY bin DESC, rank",
        (rs, i) -> new FeatureViews.Example(rs.getInt("bin"), rs.getFloat("bin_low"), rs.getFloat("bin_high"),
            topInput(rs)), featureId);
  }

  private static FeatureViews.TopInput topInput(ResultSet rs) throws SQLException {
    Array pieces = rs.getArray("context_pieces");
    return new FeatureViews.TopInput(rs.getInt("rank"), rs.getInt("document"), rs.getInt("position"),
        rs.getInt("token_id"), rs.getString("token_text"), rs.getFloat("activation"), rs.getInt("context_start"),
        ints(rs.getArray("context_token_ids")), strings(rs.getArray("context_tokens")),
        floats(rs.getArray("context_activations")), rs.getString("context_text"),
        pieces == null ? null : strings(pieces));
  }

  public FeatureViews.VocabProjection vocab(long featureId) {
    requireFeature(featureId);
    RowMapper<FeatureViews.VocabToken> row = (rs, i) -> new FeatureViews.VocabToken(rs.getInt("rank"),
        rs.getInt("token_id"), rs.getString("token_text"), rs.getFloat("value"));
    String sql = "SELECT * FROM feature_vocab WHERE feature_id = ? AND sign = ? ORDER BY rank";
    return new FeatureViews.VocabProjection(featureId, jdbc.query(sql, row, featureId, 1),
        jdbc.query(sql, row, featureId, -1));
  }

  public List<FeatureViews.Link> parents(long featureId) {
    requireFeature(featureId);
    return links("SELECT " + SUMMARY + ", l.weight FROM feature_link l JOIN feature f ON f.id = l.parent_id"
        + " WHERE l.child_id = ? ORDER BY l.weight DESC", featureId);
  }

  public List<FeatureViews.Link> children(long featureId) {
    requireFeature(featureId);
    return links("SELECT " + SUMMARY + ", l.weight FROM feature_link l JOIN feature f ON f.id = l.child_id"
        + " WHERE l.parent_id = ? ORDER BY l.weight DESC", featureId);
  }

  private List<FeatureViews.Link> links(String sql, long featureId) {
    return jdbc.query(sql, (rs, i) -> new FeatureViews.Link(summaryRow.mapRow(rs, i), rs.getFloat("weight")), featureId);
  }

  private FeatureViews.Factorization factorizationRow(ResultSet rs, int i) throws SQLException {
    long jobId = rs.getLong("job_id");
    return new FeatureViews.Factorization(rs.getLong("id"), rs.wasNull() ? null : jobId, rs.getLong("model_id"),
        rs.getLong("dataset_id"), rs.getLong("activation_set_id"), rs.getInt("layer"), rs.getString("hook"),
        ints(rs.getArray("levels")), json.readTree(rs.getString("settings_json")), rs.getInt("d"),
        rs.getLong("n_tokens"), rs.getInt("iterations"), rs.getInt("best_iteration"),
        doubles(rs.getArray("loss_curve")), rs.getDouble("relative_error"), json.readTree(rs.getString("timings_json")),
        rs.getTimestamp("created_at").toInstant());
  }

  private static String escapeLike(String text) {
    return text == null ? null : text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static List<String> strings(Array a) throws SQLException {
    return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
  }

  private static List<Integer> ints(Array a) throws SQLException {
    return a == null ? List.of() : Arrays.asList((Integer[]) a.getArray());
  }

  private static List<Float> floats(Array a) throws SQLException {
    return a == null ? List.of() : Arrays.asList((Float[]) a.getArray());
  }

  private static List<Double> doubles(Array a) throws SQLException {
    return a == null ? List.of() : new ArrayList<>(Arrays.asList((Double[]) a.getArray()));
  }
}
