package io.snmfservice.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.config.SnmfProperties;
import io.snmfservice.support.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Leftovers of jobs that ended without storing them go; everything of a live job or a stored result stays. */
@ServiceTest
class FactorizationScratchSweeperTest {

  @Autowired FactorizationScratchSweeper sweeper;
  @Autowired JdbcClient jdbc;
  @Autowired SnmfProperties properties;

  private long job(String status) {
    // a type no worker handles, so the shared workers leave the queued one alone
    return jdbc.sql("INSERT INTO job (type, status) VALUES ('sweeper-test', ?) RETURNING id").param(status)
        .query(Long.class).single();
  }

  private Path entry(String name) throws Exception {
    Path dir = Files.createDirectories(properties.dataDir().resolve("factorizations").resolve(name));
    Files.writeString(dir.resolve("level1.ckpt"), "state");
    return dir;
  }

  @Test
  void removesWhatEndedJobsLeftAndKeepsWhatLiveJobsAndStoredResultsUse() throws Exception {
    long failed = job("FAILED");
    long cancelled = job("CANCELLED");
    long queued = job("QUEUED");
    Path failedState = entry("job-" + failed + "-state");
    Path failedScratch = entry("job-" + failed + "-g");
    Path cancelledFactors = entry("job-" + cancelled);
    Path queuedState = entry("job-" + queued + "-state");
    Path unrelated = entry("not-a-job");

    sweeper.sweep();

    assertThat(failedState).doesNotExist();
    assertThat(failedScratch).doesNotExist();
    assertThat(cancelledFactors).doesNotExist();
    assertThat(queuedState).exists();
    assertThat(unrelated).exists();
    jdbc.sql("UPDATE job SET status = 'CANCELLED' WHERE id = ?").param(queued).update();
    sweeper.sweep();
    assertThat(queuedState).doesNotExist();
  }
}
