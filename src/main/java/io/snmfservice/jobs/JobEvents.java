package io.snmfservice.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Job metrics: submissions, completions by outcome, and durations, tagged by job type. */
public class JobEvents {

  private final MeterRegistry registry;

  public JobEvents(MeterRegistry registry) {
    this.registry = registry;
  }

  void submitted(String type) {
    registry.counter("snmf.jobs.submitted", "type", type).increment();
  }

  void finished(String type, JobStatus status, double seconds) {
    Timer.builder("snmf.jobs.duration")
        .description("wall time of job runs by type and outcome")
        .tag("type", type)
        .tag("status", status.name())
        .register(registry)
        .record((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
  }
}
