package io.snmfservice.ui;

import io.snmfservice.jobs.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A job as the dashboard shows it: percent, readable ETA and duration, links to what it produced, and, while a
 * factorization iterates, the iteration and loss read from its progress message ("iteration 40/100, loss 1.2e+05").
 */
record JobRow(long id, String type, String status, boolean terminal, String stage, int percent, String eta,
    String message, Integer iteration, Double loss, String duration, Instant createdAt, String created,
    String started, String finished, int attempts, String error, List<Link> results, boolean cancelRequested) {

  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);

  record Link(String label, String href) {}

  private static final Pattern ITERATION = Pattern.compile("iteration (\\d+)/\\d+, loss ([-+0-9.eE]+|NaN|Infinity)");

  static JobRow of(Job job) {
    Integer iteration = null;
    Double loss = null;
    if (job.message() != null) {
      Matcher m = ITERATION.matcher(job.message());
      if (m.find()) {
        iteration = Integer.parseInt(m.group(1));
        loss = Double.parseDouble(m.group(2));
      }
    }
    String error = job.error() == null ? null : job.error().path("detail").asString(job.error().toString());
    return new JobRow(job.id(), job.type(), job.status().name(), job.status().isTerminal(), job.stage(),
        (int) Math.round(100 * job.progress()), eta(job), job.message(), iteration, loss, duration(job),
        job.createdAt(), time(job.createdAt()), time(job.startedAt()), time(job.finishedAt()), job.attempts(), error,
        results(job.result()),
        job.cancelRequested());
  }

  private static String time(Instant t) {
    return t == null ? "—" : TIME.format(t);
  }

  static List<JobRow> of(List<Job> jobs) {
    return jobs.stream().map(JobRow::of).toList();
  }

  private static String eta(Job job) {
    if (job.status().isTerminal() || job.etaSeconds() == null) {
      return null;
    }
    return human(Duration.ofMillis((long) (job.etaSeconds() * 1000)));
  }

  private static String duration(Job job) {
    if (job.startedAt() == null) {
      return null;
    }
    Instant end = job.finishedAt() != null ? job.finishedAt() : Instant.now();
    return human(Duration.between(job.startedAt(), end));
  }

  static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  /** Dashboard links to what the job produced, read from its result. */
  private static List<Link> results(JsonNode result) {
    List<Link> out = new ArrayList<>();
    if (result == null) {
      return out;
    }
    if (result.hasNonNull("factorizationId")) {
      long id = result.get("factorizationId").asLong();
      out.add(new Link("factorization " + id, "/ui/factorizations/" + id));
    }
    if (result.hasNonNull("datasetId")) {
      long id = result.get("datasetId").asLong();
      out.add(new Link("dataset " + id, "/ui/datasets/" + id));
    }
    if (result.has("steeringRunIds")) {
      for (JsonNode id : result.get("steeringRunIds")) {
        out.add(new Link("steering run " + id.asLong(), "/ui/steering/" + id.asLong()));
      }
    }
    if (result.hasNonNull("evaluationId")) {
      long id = result.get("evaluationId").asLong();
      out.add(new Link("evaluation " + id, "/ui/evaluations/" + id));
    }
    return out;
  }
}
