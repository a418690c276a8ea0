package io.snmfservice.features.read;

import io.snmfservice.errors.NotFound;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Reads of stored factorizations and features for the API: paged, sorted, searchable. */
@Repository
public class FeatureQueries {

  /** Sort keys of the feature list (each feature's rank in each, both directions, is stored: V16). */
  public static final List<String> SORTS = List.of("index", "frequency", "maxActivation", "meanActivation");

  private static final String SUMMARY = "f.id, f.factorization_id, f.level, f.index, f.frequency, f.mean_activation,"
      + " f.max_activation, f.promoted_tokens AS promoted,"
      + " (SELECT d.description FROM feature_description d WHERE d.feature_id = f.id) AS description";

  /** The columns of {@link #detail} (and, with {@code promoted}, of a summary), from {@code feature f} and {@code d}. */
  static final String DETAIL = "f.*, f.histogram::text AS histogram_json, f.promoted_tokens AS promoted,"
      + " (SELECT count(*) FROM feature_link WHERE child_id = f.id) AS parents,"
      + " (SELECT count(*) FROM feature_link WHERE parent_id = f.id) AS children,"
      + " d.description, d.detection_accuracy, d.fuzzing_accuracy";

  private final JdbcTemplate jdbc;
  private final JsonMapper json;
  private final RowMapper<FeatureViews.FeatureSummary> summaryRow = (rs, i) -> summary(rs);

  FeatureQueries(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  public FeatureViews.Factorization factorization(long id) {
    return jdbc.query("SELECT *, settings::text AS settings_json, timings::text AS timings_json FROM factorization"
            + " WHERE id = ?", this::factorizationRow, id)
        .stream().findFirst().orElseThrow(() -> new NotFound("factorization", id));
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

  public void delete(long id) {
    jdbc.update("DELETE FROM factorization WHERE id = ?", id);
  }

  public String factorDir(long id) {
    return jdbc.queryForList("SELECT factor_dir FROM factorization WHERE id = ?", String.class, id).stream()
        .findFirst().orElseThrow(() -> new NotFound("factorization", id));
  }

  /** A page of a level's features in one of the {@link #SORTS} orders, ties by index: a range of stored ranks. */
  public List<FeatureViews.FeatureSummary> features(long factorizationId, int level, String sort, boolean descending,
      int offset, int limit) {
    return jdbc.query("SELECT " + SUMMARY + " FROM feature_rank r JOIN feature f ON f.id = r.feature_id"
            + " WHERE r.factorization_id = ? AND r.level = ? AND r.sort_key = ? AND r.descending = ?"
            + " AND r.rank >= ? AND r.rank < ? ORDER BY r.rank",
        summaryRow, factorizationId, level, sort, descending, offset, (long) offset + limit);
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
   * uses the token-text indexes). It reads only the rows that match, found through indexes, each a hit for one
   * feature: a top input (token or context), a promoted token, a description. The hits are summed per feature, and
   * only features with matching top inputs read their other top inputs' activations for the share.
   */
  record SearchSql(String scored, List<Object> args) {

    /**
     * A feature's score from its hits {@code h (matching, promoted, described)}; {@link PreparedReadWriter} scores
     * every token of a factorization with this same expression, so prepared searches rank exactly as this one.
     */
    static final String SCORE = "CASE WHEN h.matching IS NULL THEN 0 ELSE coalesce(h.matching"
        + " / nullif((SELECT sum(t.activation) FROM feature_top_input t WHERE t.feature_id = f.id), 0), 0) END"
        + " + CASE WHEN h.promoted THEN 0.5 ELSE 0 END + CASE WHEN h.described THEN 0.5 ELSE 0 END";

    static SearchSql of(long factorizationId, String token, String text) {
      String tokenKey = token == null ? null : token.strip().toLowerCase(Locale.ROOT);
      String like = text == null ? null : "%" + escapeLike(text) + "%";
      List<String> inputMatches = new ArrayList<>();
      List<Object> args = new ArrayList<>();
      if (tokenKey != null) {
        inputMatches.add("lower(btrim(t.token_text)) = ?");
        args.add(tokenKey);
      }
      if (like != null) {
        inputMatches.add("t.context_text ILIKE ?");
        args.add(like);
      }
      List<String> hits = new ArrayList<>();
      hits.add("SELECT t.feature_id, t.activation, false, false FROM feature_top_input t WHERE "
          + String.join(" OR ", inputMatches));
      if (tokenKey != null) {
        hits.add("SELECT v.feature_id, NULL::real, true, false FROM feature_vocab v"
            + " WHERE v.sign = 1 AND lower(btrim(v.token_text)) = ?");
        args.add(tokenKey);
      }
      if (like != null) {
        hits.add("SELECT d.feature_id, NULL::real, false, true FROM feature_description d WHERE d.description ILIKE ?");
        args.add(like);
      }
      String sql = "SELECT f.id, f.level, f.index, " + SCORE + " AS score FROM (SELECT id, sum(activation), bool_or(promoted), bool_or(described) FROM ("
          + String.join(" UNION ALL ", hits) + ") hit (id, activation, promoted, described) GROUP BY id)"
          + " h (id, matching, promoted, described) JOIN feature f ON f.id = h.id WHERE f.factorization_id = ?";
      args.add(factorizationId);
      return new SearchSql(sql, args);
    }
  }

  /**
   * The number of features of each level of a factorization (its K per level: the writer stores exactly that many
   * features per level, with the factorization, in one transaction), without counting feature rows, and whether
   * its reads were prepared ({@link PreparedReadWriter}).
   */
  Levels levels(long id) {
    Levels levels = levelsIfAny(id);
    if (levels == null) {
      throw new NotFound("factorization", id);
    }
    return levels;
  }

  /** As {@link #levels}, null where the factorization does not exist. */
  Levels levelsIfAny(long id) {
    return jdbc.query("SELECT levels, reads_prepared FROM factorization WHERE id = ?",
            (rs, i) -> new Levels(ints(rs.getArray("levels")), rs.getBoolean("reads_prepared")), id)
        .stream().findFirst().orElse(null);
  }

  record Levels(List<Integer> sizes, boolean prepared) {}

  /** 404 unless the factorization exists (without reading its loss curve and settings). */
  public void requireFactorization(long id) {
    if (!jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM factorization WHERE id = ?)", Boolean.class, id)) {
      throw new NotFound("factorization", id);
    }
  }

  /** 404 unless the feature exists (without reading its direction and statistics). */
  private void requireFeature(long id) {
    if (!jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM feature WHERE id = ?)", Boolean.class, id)) {
      throw new NotFound("feature", id);
    }
  }

  public FeatureViews.FeatureDetail feature(long id) {
    return jdbc.query("SELECT " + DETAIL + " FROM feature f LEFT JOIN feature_description d ON d.feature_id = f.id"
            + " WHERE f.id = ?",
        (rs, i) -> detail(rs, json), id)
        .stream().findFirst().orElseThrow(() -> new NotFound("feature", id));
  }

  /** A feature's summary from a row of {@link #SUMMARY} or {@link #DETAIL} (also read by {@link PreparedReadWriter}). */
  static FeatureViews.FeatureSummary summary(ResultSet rs) throws SQLException {
    return new FeatureViews.FeatureSummary(rs.getLong("id"), rs.getLong("factorization_id"), rs.getInt("level"),
        rs.getInt("index"), rs.getDouble("frequency"), rs.getDouble("mean_activation"), rs.getDouble("max_activation"),
        strings(rs.getArray("promoted")), rs.getString("description"));
  }

  /** A feature's detail from a row of {@link #DETAIL} (also read by {@link PreparedReadWriter}). */
  static FeatureViews.FeatureDetail detail(ResultSet rs, JsonMapper json) throws SQLException {
    return new FeatureViews.FeatureDetail(rs.getLong("id"), rs.getLong("factorization_id"), rs.getInt("level"),
        rs.getInt("index"), rs.getDouble("frequency"), rs.getDouble("mean_activation"),
        rs.getDouble("max_activation"), json.readTree(rs.getString("histogram_json")),
        floats(rs.getArray("direction")), rs.getInt("parents"), rs.getInt("children"), rs.getString("description"),
        (Double) rs.getObject("detection_accuracy"), (Double) rs.getObject("fuzzing_accuracy"));
  }

  public List<FeatureViews.TopInput> topInputs(long featureId) {
    List<FeatureViews.TopInput> inputs = jdbc.query(
        "SELECT * FROM feature_top_input WHERE feature_id = ? ORDER BY rank", (rs, i) -> topInput(rs), featureId);
    if (inputs.isEmpty()) {
      requireFeature(featureId); // only an empty answer needs to tell "no inputs" from "no feature"
    }
    return inputs;
  }

  /** Tokens sampled from the feature's activation bins (quantiles; intervals before V20), strongest bin first. */
  public List<FeatureViews.Example> examples(long featureId) {
    requireFeature(featureId);
    return jdbc.query("SELECT * FROM feature_example WHERE feature_id = ? ORDER BY bin DESC, rank",
        (rs, i) -> example(rs), featureId);
  }

  static FeatureViews.Example example(ResultSet rs) throws SQLException {
    return new FeatureViews.Example(rs.getInt("bin"), rs.getFloat("bin_low"), rs.getFloat("bin_high"),
        rs.getObject("bin_fraction", Float.class), rs.getObject("bin_exact", Boolean.class), topInput(rs));
  }

  static FeatureViews.VocabToken vocabToken(ResultSet rs) throws SQLException {
    return new FeatureViews.VocabToken(rs.getInt("rank"), rs.getInt("token_id"), rs.getString("token_text"),
        rs.getFloat("value"));
  }

  static FeatureViews.TopInput topInput(ResultSet rs) throws SQLException {
    Array pieces = rs.getArray("context_pieces");
    return new FeatureViews.TopInput(rs.getInt("rank"), rs.getInt("document"), rs.getInt("position"),
        rs.getInt("token_id"), rs.getString("token_text"), rs.getFloat("activation"), rs.getInt("context_start"),
        ints(rs.getArray("context_token_ids")), strings(rs.getArray("context_tokens")),
        floats(rs.getArray("context_activations")), rs.getString("context_text"),
        pieces == null ? null : strings(pieces));
  }

  public FeatureViews.VocabProjection vocab(long featureId) {
    requireFeature(featureId);
    RowMapper<FeatureViews.VocabToken> row = (rs, i) -> vocabToken(rs);
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
