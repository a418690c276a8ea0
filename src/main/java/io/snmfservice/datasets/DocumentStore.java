package io.snmfservice.datasets;

import io.snmfservice.storage.SqlValues;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** Documents are many small rows: written in JDBC batches, read in pages. */
@Repository
public class DocumentStore {

  private static final int BATCH = 1000;
  private static final RowMapper<Document> ROW =
      (rs, i) -> {
        Array ids = rs.getArray("token_ids");
        return new Document(rs.getInt("ordinal"), rs.getString("text"), ids == null ? null : SqlValues.ints(ids));
      };

  private final JdbcTemplate jdbc;

  public DocumentStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(long datasetId, List<Document> documents) {
    for (int from = 0; from < documents.size(); from += BATCH) {
      List<Document> batch = documents.subList(from, Math.min(documents.size(), from + BATCH));
      jdbc.batchUpdate(
          "INSERT INTO document (dataset_id, ordinal, text, token_ids) VALUES (?, ?, ?, ?)",
          batch,
          batch.size(),
          (PreparedStatement ps, Document d) -> {
            ps.setLong(1, datasetId);
            ps.setInt(2, d.ordinal());
            ps.setString(3, d.text());
            ps.setArray(4, d.tokenIds() == null ? null : ps.getConnection().createArrayOf("integer", SqlValues.boxed(d.tokenIds())));
          });
    }
  }

  public List<Document> page(long datasetId, int offset, int limit) {
    return jdbc.query(
        "SELECT ordinal, text, token_ids FROM document WHERE dataset_id = ? ORDER BY ordinal OFFSET ? LIMIT ?",
        ROW,
        datasetId,
        offset,
        limit);
  }

  public List<Document> all(long datasetId) {
    return jdbc.query(
        "SELECT ordinal, text, token_ids FROM document WHERE dataset_id = ? ORDER BY ordinal", ROW, datasetId);
  }

  /** Activation sets and factorizations built from a dataset. */
  public long usesOf(long datasetId) {
    return jdbc.queryForObject("SELECT (SELECT count(*) FROM activation_set WHERE dataset_id = ?)"
        + " + (SELECT count(*) FROM factorization WHERE dataset_id = ?)", Long.class, datasetId, datasetId);
  }
}
