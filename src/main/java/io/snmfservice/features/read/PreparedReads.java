package io.snmfservice.features.read;

import io.snmfservice.web.PageView;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The feature reads from the representations {@link PreparedReadWriter} stored (V19): the bytes the query path of
 * {@link FeatureQueries} would send, each from one indexed lookup, with the current description appended where the
 * answer shows one. Each method answers null where nothing was prepared (a factorization written before V19, or
 * planted with SQL): the caller then takes the query path, which also tells "not found".
 */
@Repository
class PreparedReads {

  /** The page sizes V23's {@code store_feature_pages} stores whole: the API's default and the largest common one. */
  private static final Set<Integer> STORED_PAGE_SIZES = Set.of(20, 50);

  /** A page's stored items and the current descriptions of its features, joined to a {@code feature_page p}. */
  private static final String STORED_PAGE = "p.items, p.description_at, p.feature_ids, d.ids, d.descriptions";
  private static final String DESCRIPTIONS_OF_PAGE = " LEFT JOIN LATERAL (SELECT array_agg(x.feature_id) AS ids,"
      + " array_agg(x.description) AS descriptions FROM feature_description x"
      + " WHERE x.feature_id = ANY (p.feature_ids)) d ON true";

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  PreparedReads(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  byte[] detail(long featureId) {
    return jdbc.query("SELECT p.detail, d.description, d.detection_accuracy, d.fuzzing_accuracy FROM feature_read p"
            + " LEFT JOIN feature_description d ON d.feature_id = p.feature_id WHERE p.feature_id = ?",
        (rs, i) -> utf8(rs.getString("detail") + text(rs.getString("description"))
            + ",\"detectionAccuracy\":" + json.writeValueAsString(rs.getObject("detection_accuracy", Double.class))
            + ",\"fuzzingAccuracy\":" + json.writeValueAsString(rs.getObject("fuzzing_accuracy", Double.class))
            + "}"), featureId).stream().findFirst().orElse(null);
  }

  byte[] topInputs(long featureId) {
    return stored("top_inputs", featureId);
  }

  byte[] examples(long featureId) {
    return stored("examples", featureId);
  }

  byte[] vocab(long featureId) {
    return stored("vocab", featureId);
  }

  private byte[] stored(String column, long featureId) {
    return jdbc.query("SELECT " + column + " FROM feature_read WHERE feature_id = ?", (rs, i) -> utf8(rs.getString(1)),
        featureId).stream().findFirst().orElse(null);
  }

  /**
   * A list page of a prepared factorization (the caller knows it is one): the stored page where its size has them
   * (V23), else a range of stored ranks.
   */
  byte[] features(long factorizationId, int level, String sort, boolean descending, int page, int size, long total) {
    if (storesPagesOf(size) && (long) page * size < total) {
      byte[] stored = storedPage(factorizationId, level, sort, descending, page, size, total);
      if (stored != null) {
        return stored;
      }
    }
    List<String> items = jdbc.query("SELECT p.summary, d.description FROM feature_rank r"
            + " JOIN feature_read p ON p.feature_id = r.feature_id"
            + " LEFT JOIN feature_description d ON d.feature_id = r.feature_id"
            + " WHERE r.factorization_id = ? AND r.level = ? AND r.sort_key = ? AND r.descending = ?"
            + " AND r.rank >= ? AND r.rank < ? ORDER BY r.rank",
        (rs, i) -> summary(rs.getString(1), rs.getString(2)), factorizationId, level, sort, descending,
        (long) page * size, (long) page * size + size);
    return pageOf(items, page, size, total);
  }

  /** Whether list pages of this size are stored whole. */
  static boolean storesPagesOf(int size) {
    return STORED_PAGE_SIZES.contains(size);
  }

  /**
   * A list page of a size {@link #storesPagesOf stored whole}, read in one query with the factorization's levels (the
   * early path's way: no second round trip for them); null where the controllers are to answer: no such
   * factorization, its reads not prepared, no such level, no stored page inside its range.
   */
  byte[] storedPageIfPrepared(long factorizationId, int level, String sort, boolean descending, int page, int size) {
    return jdbc.query("SELECT f.levels, f.reads_prepared, " + STORED_PAGE + " FROM factorization f"
            + " LEFT JOIN feature_page p ON p.factorization_id = f.id AND p.level = ? AND p.sort_key = ?"
            + " AND p.descending = ? AND p.size = ? AND p.page = ?" + DESCRIPTIONS_OF_PAGE + " WHERE f.id = ?",
        rs -> {
          if (!rs.next() || !rs.getBoolean("reads_prepared")) {
            return null;
          }
          Integer[] levels = (Integer[]) rs.getArray("levels").getArray();
          if (level >= levels.length) {
            return null;
          }
          long total = levels[level];
          byte[] items = storedItems(rs);
          if (items == null) {
            return (long) page * size < total ? null : pageOf(new byte[0], page, size, total);
          }
          return pageOf(items, page, size, total);
        }, level, sort, descending, size, page, factorizationId);
  }

  /** A page stored whole, with the current descriptions put in; null where none was stored. */
  private byte[] storedPage(long factorizationId, int level, String sort, boolean descending, int page, int size,
      long total) {
    return jdbc.query("SELECT " + STORED_PAGE + " FROM feature_page p" + DESCRIPTIONS_OF_PAGE
            + " WHERE p.factorization_id = ? AND p.level = ? AND p.sort_key = ? AND p.descending = ? AND p.size = ?"
            + " AND p.page = ?",
        rs -> rs.next() ? pageOf(storedItems(rs), page, size, total) : null,
        factorizationId, level, sort, descending, size, page);
  }

  /** The items of a row of {@link #STORED_PAGE} with the current descriptions put in; null where no page was. */
  private byte[] storedItems(ResultSet rs) throws SQLException {
    byte[] items = rs.getBytes("items");
    if (items != null && rs.getArray("ids") != null) {
      items = withDescriptions(items, (Integer[]) rs.getArray("description_at").getArray(),
          (Long[]) rs.getArray("feature_ids").getArray(), (Long[]) rs.getArray("ids").getArray(),
          (String[]) rs.getArray("descriptions").getArray());
    }
    return items;
  }

  /** The items with each described feature's {@code null} (4 bytes at its offset) replaced by its description. */
  private byte[] withDescriptions(byte[] items, Integer[] at, Long[] features, Long[] described, String[] texts) {
    Map<Long, String> descriptions = new HashMap<>();
    for (int i = 0; i < described.length; i++) {
      if (texts[i] != null) {
        descriptions.put(described[i], texts[i]);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(items.length + 256);
    int from = 0;
    for (int i = 0; i < features.length; i++) {
      String description = descriptions.get(features[i]);
      if (description != null) {
        out.write(items, from, at[i] - from);
        out.writeBytes(utf8(json.writeValueAsString(description)));
        from = at[i] + "null".length();
      }
    }
    out.write(items, from, items.length - from);
    return out.toByteArray();
  }

  /**
   * A page of the search by token alone, or null when the factorization's reads were not prepared (or it does not
   * exist): a range of the prepared scores' index, in the order of {@link FeatureQueries#searchPage}.
   */
  byte[] searchByToken(long factorizationId, String token, int page, int size) {
    String key = token.strip().toLowerCase(Locale.ROOT);
    long[] total = {0};
    List<String> items = jdbc.query("WITH page AS (SELECT s.feature_id, s.score, s.level, s.index,"
            + " count(*) OVER () AS total FROM feature_token_score s WHERE s.factorization_id = ? AND s.token = ?"
            + " ORDER BY s.score DESC, s.level, s.index OFFSET ? LIMIT ?)"
            + " SELECT p.summary, d.description, g.total FROM page g JOIN feature_read p ON p.feature_id = g.feature_id"
            + " LEFT JOIN feature_description d ON d.feature_id = g.feature_id"
            + " ORDER BY g.score DESC, g.level, g.index",
        (rs, i) -> {
          total[0] = rs.getLong(3);
          return summary(rs.getString(1), rs.getString(2));
        }, factorizationId, key, (long) page * size, size);
    if (items.isEmpty()) {
      // no row to carry the total: no match, a page past the end, or nothing prepared
      Boolean prepared = jdbc.query("SELECT reads_prepared FROM factorization WHERE id = ?",
          (rs, i) -> rs.getBoolean(1), factorizationId).stream().findFirst().orElse(false);
      if (!prepared) {
        return null;
      }
      total[0] = jdbc.queryForObject("SELECT count(*) FROM feature_token_score WHERE factorization_id = ?"
          + " AND token = ?", Long.class, factorizationId, key);
    }
    return pageOf(items, page, size, total[0]);
  }

  /** A stored summary with its current description. */
  private String summary(String stored, String description) {
    return stored + text(description) + "}";
  }

  /** A string as Jackson writes it (null as {@code null}, which is all it ever writes for one). */
  private String text(String value) {
    return value == null ? "null" : json.writeValueAsString(value);
  }

  /** The page as {@link PageView} renders: its JSON with no items, the items put in. */
  private byte[] pageOf(List<String> items, int page, int size, long total) {
    return pageOf(utf8(String.join(",", items)), page, size, total);
  }

  /** As above, the items as UTF-8 JSON joined by commas. */
  private byte[] pageOf(byte[] items, int page, int size, long total) {
    String envelope = json.writeValueAsString(new PageView<>(List.of(), page, size, total));
    byte[] empty = utf8(envelope);
    int at = envelope.indexOf("\"items\":[]") + "\"items\":[".length(); // ASCII: the same index in the bytes
    byte[] answer = new byte[empty.length + items.length];
    System.arraycopy(empty, 0, answer, 0, at);
    System.arraycopy(items, 0, answer, at, items.length);
    System.arraycopy(empty, at, answer, at + items.length, empty.length - at);
    return answer;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
