package io.snmfservice.activations;

import io.snmfservice.activations.store.ShardManifest;
import io.snmfservice.errors.Conflict;
import io.snmfservice.errors.NotFound;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes activation sets, the largest artifacts of the store: the row first (refused while a factorization uses
 * the set or a queued or running job of the same model and dataset may need it), then its files — the matrix, and
 * the token index and job directory once no other set of the same collection shares them.
 */
@Service
public class ActivationSetDeletion {

  private static final Logger log = LoggerFactory.getLogger(ActivationSetDeletion.class);

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;

  public ActivationSetDeletion(JdbcClient jdbc, TransactionTemplate transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  /** Deletes set {@code id}: 404 if it does not exist, 409 while something needs it. Returns the bytes freed. */
  public long delete(long id) {
    Row row = transactions.execute(status -> {
      // the set stays locked until commit, so no job can start reusing it in between
      Row found = jdbc.sql("SELECT model_id, dataset_id, matrix_path, index_path FROM activation_set WHERE id = ?"
              + " FOR UPDATE")
          .param(id)
          .query((rs, i) -> new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)))
          .optional()
          .orElseThrow(() -> new NotFound("activation set", id));
      List<Long> factorizations = jdbc.sql("SELECT id FROM factorization WHERE activation_set_id = ? ORDER BY id")
          .param(id).query(Long.class).list();
      if (!factorizations.isEmpty()) {
        throw new Conflict("activation set " + id + " is used by factorization(s) " + factorizations
            + "; delete them first");
      }
      List<Long> jobs = jdbc.sql("SELECT id FROM job WHERE status IN ('QUEUED', 'RUNNING')"
              + " AND params->>'modelId' = ? AND params->>'datasetId' = ? ORDER BY id")
          .params(Long.toString(found.modelId()), Long.toString(found.datasetId())).query(Long.class).list();
      if (!jobs.isEmpty()) {
        throw new Conflict("activation set " + id + " may be needed by queued or running job(s) " + jobs
            + "; cancel them or wait until they finish");
      }
      jdbc.sql("DELETE FROM activation_set WHERE id = ?").param(id).update();
      return found;
    });
    long freed = removeFiles(row);
    log.info("Deleted activation set {} ({} bytes freed)", id, freed);
    return freed;
  }

  private long removeFiles(Row row) {
    long freed = 0;
    freed += deleteQuietly(Path.of(row.matrixPath()));
    boolean indexShared = jdbc.sql("SELECT count(*) FROM activation_set WHERE index_path = ?")
        .param(row.indexPath()).query(Long.class).single() > 0;
    if (!indexShared) {
      freed += deleteQuietly(Path.of(row.indexPath()));
      deleteIfEmpty(Path.of(row.matrixPath()).getParent());
    }
    return freed;
  }

  /** Deletes a file; for a shard manifest, its part files too (and shard folders they leave empty). */
  static long deleteQuietly(Path file) {
    long freed = 0;
    if (ShardManifest.isManifest(file) && Files.exists(file)) {
      try {
        for (Path part : ShardManifest.read(file).files(file)) {
          freed += deleteFile(part);
          deleteIfEmpty(part.getParent());
        }
      } catch (RuntimeException e) {
        log.warn("Could not read shard manifest {}: {}", file, e.getMessage());
      }
    }
    return freed + deleteFile(file);
  }

  private static void deleteIfEmpty(Path dir) {
    try (var left = Files.list(dir)) {
      if (left.findAny().isEmpty()) {
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      // the directory stays; nothing refers to it any more
    }
  }

  private static long deleteFile(Path file) {
    try {
      long size = Files.exists(file) ? Files.size(file) : 0;
      Files.deleteIfExists(file);
      return size;
    } catch (IOException e) {
      log.warn("Could not delete {}: {}", file, e.getMessage());
      return 0;
    }
  }

  private record Row(long modelId, long datasetId, String matrixPath, String indexPath) {}
}
