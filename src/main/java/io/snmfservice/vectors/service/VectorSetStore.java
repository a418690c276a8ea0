package io.snmfservice.vectors.service;

import io.snmfservice.errors.Conflict;
import io.snmfservice.errors.NotFound;
import io.snmfservice.security.Caller;
import io.snmfservice.storage.SqlValues;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.vectors.SaeEncoder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Vector sets and their members in PostgreSQL; a set and all its members are written in one transaction. */
@Repository
class VectorSetStore {

  /** What a new set is made of. Encoder columns are null except for SAEs. */
  record NewSet(long modelId, String name, String source, int layer, HookPoint.Kind hook, List<String> labels,
      List<Long> featureIds, float[][] vectors, Long factorizationId, Long evaluationId, JsonNode metadata,
      float[] decoderBias, float[] encoder, float[] encoderBias, float[] threshold) {}

  private static final String COLUMNS = "id, model_id, name, source, layer, hook, d, size, factorization_id,"
      + " evaluation_id, metadata::text AS metadata, created_at";

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  VectorSetStore(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Transactional
  long insert(NewSet s) {
    if (jdbc.queryForObject("SELECT count(*) FROM vector_set WHERE model_id = ? AND name = ?", Long.class,
        s.modelId(), s.name()) > 0) {
      throw new Conflict("model " + s.modelId() + " already has a vector set named '" + s.name() + "'");
    }
    int d = s.vectors()[0].length;
    long id = jdbc.queryForObject("INSERT INTO vector_set (model_id, name, source, layer, hook, d, size,"
            + " factorization_id, evaluation_id, metadata, decoder_bias, created_by)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING id", Long.class, s.modelId(), s.name(),
        s.source(), s.layer(), s.hook().suffix(), d, s.vectors().length, s.factorizationId(), s.evaluationId(),
        json.writeValueAsString(s.metadata()),
        s.decoderBias() == null ? null : SqlValues.array(jdbc, "real", SqlValues.boxed(s.decoderBias())),
        Caller.currentKeyId());
    int dSae = s.vectors().length;
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < dSae; i++) {
      float[] encoderColumn = null;
      if (s.encoder() != null) {
        encoderColumn = new float[d];
        for (int r = 0; r < d; r++) {
          encoderColumn[r] = s.encoder()[r * dSae + i];
        }
      }
      rows.add(new Object[] {id, i, s.labels().get(i), s.featureIds() == null ? null : s.featureIds().get(i),
          SqlValues.array(jdbc, "real", SqlValues.boxed(s.vectors()[i])), norm(s.vectors()[i]),
          encoderColumn == null ? null : SqlValues.array(jdbc, "real", SqlValues.boxed(encoderColumn)),
          s.encoderBias() == null ? null : s.encoderBias()[i], s.threshold() == null ? null : s.threshold()[i]});
    }
    jdbc.batchUpdate("INSERT INTO vector_set_member (vector_set_id, index, label, feature_id, vector, norm, encoder,"
        + " encoder_bias, threshold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
    return id;
  }

  VectorSetView get(long id) {
    List<VectorSetView> rows = jdbc.query("SELECT " + COLUMNS + " FROM vector_set WHERE id = ?", this::view, id);
    if (rows.isEmpty()) {
      throw new NotFound("vector set", id);
    }
    return rows.get(0);
  }

  List<VectorSetView> list(Long modelId, int offset, int limit) {
    return jdbc.query("SELECT " + COLUMNS + " FROM vector_set WHERE (?::bigint IS NULL OR model_id = ?) ORDER BY id"
        + " LIMIT ? OFFSET ?", this::view, modelId, modelId, limit, offset);
  }

  long count(Long modelId) {
    return jdbc.queryForObject("SELECT count(*) FROM vector_set WHERE (?::bigint IS NULL OR model_id = ?)", Long.class,
        modelId, modelId);
  }

  List<VectorSetMember> members(long setId, int offset, int limit) {
    return jdbc.query("SELECT m.index, m.label, m.feature_id, m.vector, m.norm, s.layer, s.hook FROM vector_set_member m"
        + " JOIN vector_set s ON s.id = m.vector_set_id WHERE m.vector_set_id = ? ORDER BY m.index LIMIT ? OFFSET ?",
        (rs, n) -> member(setId, rs), setId, limit, offset);
  }

  VectorSetMember member(long setId, int index) {
    List<VectorSetMember> rows = jdbc.query("SELECT m.index, m.label, m.feature_id, m.vector, m.norm, s.layer, s.hook"
        + " FROM vector_set_member m JOIN vector_set s ON s.id = m.vector_set_id"
        + " WHERE m.vector_set_id = ? AND m.index = ?", (rs, n) -> member(setId, rs), setId, index);
    if (rows.isEmpty()) {
      get(setId);
      throw new NotFound("vector set " + setId + " member", index);
    }
    return rows.get(0);
  }

  /** The SAE encoder of a set, or null when it has none. */
  SaeEncoder encoder(long setId) {
    VectorSetView set = get(setId);
    if (!set.encodable()) {
      return null;
    }
    float[] bDec = SqlValues.floats(jdbc.queryForObject("SELECT decoder_bias FROM vector_set WHERE id = ?",
        java.sql.Array.class, setId));
    int d = set.d();
    int dSae = set.size();
    float[] wEnc = new float[d * dSae];
    float[] bEnc = new float[dSae];
    float[][] wDec = new float[dSae][];
    float[][] threshold = {null};
    boolean jump = "jumprelu".equals(set.metadata().path("architecture").asString());
    if (jump) {
      threshold[0] = new float[dSae];
    }
    jdbc.query("SELECT index, vector, encoder, encoder_bias, threshold FROM vector_set_member WHERE vector_set_id = ?",
        rs -> {
          int j = rs.getInt("index");
          wDec[j] = SqlValues.floats(rs.getArray("vector"));
          float[] column = SqlValues.floats(rs.getArray("encoder"));
          for (int r = 0; r < d; r++) {
            wEnc[r * dSae + j] = column[r];
          }
          bEnc[j] = rs.getFloat("encoder_bias");
          if (jump) {
            threshold[0][j] = rs.getFloat("threshold");
          }
        }, setId);
    return new SaeEncoder(d, dSae, wEnc, bEnc, bDec, wDec, threshold[0],
        set.metadata().path("applyBDecToInput").asBoolean(true));
  }

  boolean delete(long id) {
    return jdbc.update("DELETE FROM vector_set WHERE id = ?", id) > 0;
  }

  Map<String, Object> evaluation(long id) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT model_id, layer, settings::text AS settings,"
        + " results::text AS results FROM evaluation WHERE id = ?", id);
    if (rows.isEmpty()) {
      throw new NotFound("evaluation", id);
    }
    return rows.get(0);
  }

  Map<String, Object> factorization(long id) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT model_id, layer, hook FROM factorization WHERE id = ?", id);
    if (rows.isEmpty()) {
      throw new NotFound("factorization", id);
    }
    return rows.get(0);
  }

  /** Features of one level of a factorization in index order: id and direction. */
  List<Map<String, Object>> features(long factorizationId, int level) {
    return jdbc.queryForList("SELECT id, index, direction FROM feature WHERE factorization_id = ? AND level = ?"
        + " ORDER BY index", factorizationId, level);
  }

  private VectorSetMember member(long setId, ResultSet rs) throws SQLException {
    long feature = rs.getLong("feature_id");
    Long featureId = rs.wasNull() ? null : feature;
    return new VectorSetMember(setId, rs.getInt("index"), rs.getString("label"), featureId, rs.getInt("layer"),
        HookPoint.Kind.ofSuffix(rs.getString("hook")), rs.getDouble("norm"), SqlValues.floats(rs.getArray("vector")));
  }

  private VectorSetView view(ResultSet rs, int n) throws SQLException {
    JsonNode metadata = json.readTree(rs.getString("metadata"));
    long factorization = rs.getLong("factorization_id");
    Long factorizationId = rs.wasNull() ? null : factorization;
    long evaluation = rs.getLong("evaluation_id");
    Long evaluationId = rs.wasNull() ? null : evaluation;
    int layer = rs.getInt("layer");
    return new VectorSetView(rs.getLong("id"), rs.getLong("model_id"), rs.getString("name"), rs.getString("source"),
        "blocks." + layer + "." + rs.getString("hook"), layer, rs.getInt("d"), rs.getInt("size"),
        metadata.path("encodable").asBoolean(false), factorizationId, evaluationId, metadata,
        rs.getTimestamp("created_at").toInstant().toString());
  }

  private static double norm(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    return Math.sqrt(sq);
  }
}
