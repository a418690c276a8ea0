package io.snmfservice.features;

import io.snmfservice.activations.store.StoreDirectory;
import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.config.PeriodicTask;
import io.snmfservice.config.SnmfProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Removes what factorization jobs left in the store when they ended without cleaning up — a job that failed for
 * good after its worker died keeps its checkpoint ({@code job-N-state}), G scratch ({@code job-N-g}), Spark
 * working directory ({@code job-N-spark}) or unstored
 * factor files ({@code job-N}). Anything of a job that is no longer queued or running and that no stored
 * factorization points to goes; at worker start and hourly.
 */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.WORKERS)
class FactorizationScratchSweeper extends PeriodicTask {

  private static final Logger log = LoggerFactory.getLogger(FactorizationScratchSweeper.class);
  private static final Pattern JOB_ENTRY = Pattern.compile("job-(\\d+)(-state|-g|-spark)?");

  private final Path store;
  private final JdbcClient jdbc;

  FactorizationScratchSweeper(SnmfProperties properties, JdbcClient jdbc) {
    super("factorization-scratch-sweeper");
    this.store = properties.dataDir().resolve("factorizations");
    this.jdbc = jdbc;
  }

  /** Deletes the leftovers; returns how many entries went. */
  int sweep() {
    if (!Files.isDirectory(store)) {
      return 0;
    }
    List<Path> entries;
    try (Stream<Path> list = Files.list(store)) {
      entries = list.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int removed = 0;
    for (Path entry : entries) {
      Matcher m = JOB_ENTRY.matcher(entry.getFileName().toString());
      if (m.matches() && isLeftover(Long.parseLong(m.group(1)), entry)) {
        StoreDirectory.deleteRecursively(entry);
        log.info("Removed {} of job {}, which ended without storing it", entry.getFileName(), m.group(1));
        removed++;
      }
    }
    return removed;
  }

  private boolean isLeftover(long jobId, Path entry) {
    boolean active = jdbc.sql("SELECT count(*) > 0 FROM job WHERE id = ? AND status IN ('QUEUED', 'RUNNING')")
        .param(jobId).query(Boolean.class).single();
    boolean stored = jdbc.sql("SELECT count(*) > 0 FROM factorization WHERE factor_dir = ?")
        .param(entry.toString()).query(Boolean.class).single();
    return !active && !stored;
  }

  @Override
  protected void runOnce() {
    sweep();
  }

  @Override
  protected Duration initialDelay() {
    return Duration.ZERO;
  }

  @Override
  protected Duration period() {
    return Duration.ofHours(1);
  }
}
