package io.snmfservice.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine that container tests drive with the {@code docker} and {@code docker-compose} commands (the
 * engine named by {@code DOCKER_HOST}, else the default socket). Without an engine or the images those tests run,
 * they report themselves skipped with the reason, unless {@code SNMF_REQUIRE_CONTAINERS=true} (CI sets it, and
 * provides both), which turns that into a failure.
 */
public final class ContainerEngine {

  /** The service image that scripts/local-images.sh builds (docker/Dockerfile). */
  public static final String SERVICE_IMAGE = "snmf-service:0.1.0";
  /** Debian's PostgreSQL as a stand-in for the official image, made by scripts/local-images.sh. */
  public static final String LOCAL_POSTGRES_IMAGE = "snmf-local/postgres:15";

  private static Boolean reachable;

  private ContainerEngine() {}

  /** Skips the calling test (or fails it, where containers are required) unless the engine has these images. */
  public static void assumeImages(String... images) {
    if (!reachable()) {
      skipOrFail("no Docker engine is reachable (docker info failed)");
    }
    for (String image : images) {
      if (!imagePresent(image)) {
        skipOrFail("image " + image + " is missing: build it with scripts/local-images.sh");
      }
    }
  }

  /** The PostgreSQL image for containers: the local Debian one when the engine has it, else the public one. */
  public static String postgresImage() {
    return imagePresent(LOCAL_POSTGRES_IMAGE) ? LOCAL_POSTGRES_IMAGE : "postgres:16.10-bookworm";
  }

  public static boolean imagePresent(String image) {
    return exec(List.of("docker", "image", "inspect", image), Map.of(), Duration.ofSeconds(30)).exitCode() == 0;
  }

  /** Runs a command to its end and returns its output; fails the test with that output unless it exits 0. */
  public static String run(List<String> command, Map<String, String> environment, Duration timeout) {
    Result result = exec(command, environment, timeout);
    if (result.exitCode() != 0) {
      fail(String.join(" ", command) + " exited " + result.exitCode() + ":\n" + result.output());
    }
    return result.output();
  }

  public static String run(String... command) {
    return run(List.of(command), Map.of(), Duration.ofMinutes(2));
  }

  /** A command's exit code (-1: timed out, then killed) and its output, stdout and stderr together. */
  public record Result(int exitCode, String output) {}

  public static Result exec(List<String> command, Map<String, String> environment, Duration timeout) {
    try {
      Path output = Files.createTempFile("container-command", ".log");
      try {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
          process.destroyForcibly().waitFor();
        }
        return new Result(ended ? process.exitValue() : -1, Files.readString(output, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  private static synchronized boolean reachable() {
    if (reachable == null) {
      try {
        reachable = exec(List.of("docker", "info"), Map.of(), Duration.ofSeconds(30)).exitCode() == 0;
      } catch (UncheckedIOException e) {
        reachable = false; // no docker command at all
      }
    }
    return reachable;
  }

  private static void skipOrFail(String reason) {
    if ("true".equalsIgnoreCase(System.getenv("SNMF_REQUIRE_CONTAINERS"))) {
      fail(reason + " (SNMF_REQUIRE_CONTAINERS=true)");
    }
    Assumptions.abort(reason);
  }
}
