package io.snmfservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snmfservice.support.Commands;
import io.snmfservice.support.DocsReplay;
import io.snmfservice.support.ServiceProcess;
import io.snmfservice.support.SideLane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The docs work when pasted: every {@code bash} block of the README and the walk-through runs, in order, against a
 * service started as the README's start command starts it. A block that is not to run (the start command itself,
 * the test suite, a Docker or cluster command) says so with {@code <!-- docs-replay: skip (why) -->} right before
 * it; every other doc's bash blocks must say so too, so that no command in the docs goes unchecked silently.
 */
@SideLane
class DocsReplayTest {

  private static final Logger log = LoggerFactory.getLogger(DocsReplayTest.class);
  private static final Path README = Path.of("README.md");
  private static final Path WALKTHROUGH = Path.of("docs", "walkthrough.md");
  /** Replayed, in this order, each in a bash of its own (each defines what it uses), on one service. */
  private static final List<Path> REPLAYED = List.of(README, WALKTHROUGH);
  /** {@code VAR=value} words before the command of the start line. */
  private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Z_][A-Z0-9_]*)=(\\S*)$");
  private static final String START = "./mvnw spring-boot:run";

  /** Kept when the test fails, with the service's log and the scripts. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp;

  @Test
  void everyBashBlockOfTheDocsIsReplayedOrSaysWhyNot() throws IOException {
    List<String> unchecked = new ArrayList<>();
    for (Path doc : docs()) {
      for (DocsReplay.Block block : DocsReplay.blocks(doc)) {
        if (!REPLAYED.contains(doc) && block.replayed()) {
          unchecked.add(doc + ":" + block.line());
        }
      }
    }
    assertThat(unchecked).as("bash blocks that no test runs and no skip marker explains").isEmpty();
    assertThat(Files.readAllLines(README)).as("the README is a front door").hasSizeLessThanOrEqualTo(150);
    assertThat(startCommand(WALKTHROUGH)).as("the walk-through starts the service as the README does")
        .isEqualTo(startCommand(README));
  }

  @Test
  @Tag("slow") // this method only: the check above stays in the quick tier
  void theReadmeAndTheWalkThroughRunAsWrittenAgainstAFreshService() throws IOException, InterruptedException {
    for (String tool : List.of("curl", "jq")) {
      assumeTrue(Commands.succeeds(tool, "--version"), tool + " is not on the PATH: the docs' commands cannot be replayed here");
    }
    assumeTrue(Commands.succeeds("python3", "-c", "import numpy"), "python3 with numpy is missing: the walk-through needs it");
    assumeTrue(Commands.succeeds("bash", "-c", "curl --help all | grep -q -- --json"), "curl is older than 7.82 (no --json)");

    // a checkout of its own with ../shared beside it, as the README asks for
    Path checkout = Files.createDirectories(tmp.resolve("checkout"));
    Files.createSymbolicLink(tmp.resolve("shared"), Path.of("..", "shared").toAbsolutePath().normalize());
    long started = System.nanoTime();
    ServiceProcess service = ServiceProcess.startAsDocumented(checkout, tmp.resolve("service.log"), startEnvironment());
    try {
      long startMillis = (System.nanoTime() - started) / 1_000_000;
      List<String> timings = new ArrayList<>();
      for (Path doc : REPLAYED) {
        long t0 = System.nanoTime();
        DocsReplay.replay(doc, checkout, tmp, Map.of("SNMF", "http://localhost:" + service.port()));
        timings.add(String.format("%s %.1f s", doc, (System.nanoTime() - t0) / 1e9));
      }
      log.info("Docs replayed: service start {} ms, {}", startMillis, timings);
    } finally {
      service.terminate(Duration.ofMinutes(1)); // SIGTERM: the embedded database stops with it
    }
  }

  /** The environment the README's start command sets. */
  private static Map<String, String> startEnvironment() throws IOException {
    Map<String, String> environment = new LinkedHashMap<>();
    String line = startCommand(README);
    for (String word : line.substring(0, line.indexOf(START)).trim().split("\\s+")) {
      if (!word.isEmpty()) {
        Matcher m = ASSIGNMENT.matcher(word);
        assertThat(m.matches()).as("an environment setting before %s: %s", START, word).isTrue();
        environment.put(m.group(1), m.group(2));
      }
    }
    return environment;
  }

  /** The doc's one start line: a skipped block's line that runs {@code ./mvnw spring-boot:run}. */
  private static String startCommand(Path doc) throws IOException {
    List<String> lines = DocsReplay.blocks(doc).stream().filter(b -> !b.replayed())
        .flatMap(b -> b.text().lines()).filter(l -> l.contains(START)).toList();
    assertThat(lines).as("the start command in %s", doc).hasSize(1);
    return lines.get(0).strip();
  }

  /** README.md and docs/*.md but the benchmark reports (which record how numbers were measured, as they were). */
  private static List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(README));
    try (Stream<Path> files = Files.list(Path.of("docs"))) {
      files.filter(p -> p.toString().endsWith(".md") && !p.getFileName().toString().startsWith("benchmarks"))
          .sorted().forEach(docs::add);
    }
    return docs;
  }
}
