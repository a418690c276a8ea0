package io.snmfservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snmfservice.support.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
class DocsReplayTest {

  private static final Logger log = LoggerFactory.getLogger(DocsReplayTest.class);
  private static final Path README = Path.of("README.md");
  private static final Path WALKTHROUGH = Path.of("docs", "walkthrough.md");
  /** Replayed, in this order, each in a bash of its own (each defines what it uses), on one service. */
  private static final List<Path> REPLAYED = List.of(README, WALKTHROUGH);
  private static final Pattern SKIP = Pattern.compile("^<!-- docs-replay: skip \\((.+)\\) -->$");
  /** {@code VAR=value} words before the command of the start line. */
  private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Z_][A-Z0-9_]*)=(\\S*)$");
  private static final String START = "./mvnw spring-boot:run";

  /** Kept when the test fails, with the service's log and the scripts. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp;

  /** A fenced bash block: where it starts (the line after the fence) and why it is not run, if it is not. */
  record Block(Path file, int line, String text, String skipReason) {

    boolean replayed() {
      return skipReason == null;
    }
  }

  @Test
  void everyBashBlockOfTheDocsIsReplayedOrSaysWhyNot() throws IOException {
    List<String> unchecked = new ArrayList<>();
    for (Path doc : docs()) {
      for (Block block : blocks(doc)) {
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
  @Tag("slow")
  void theReadmeAndTheWalkThroughRunAsWrittenAgainstAFreshService() throws IOException, InterruptedException {
    for (String tool : List.of("curl", "jq")) {
      assumeTrue(runs(tool, "--version"), tool + " is not on the PATH: the docs' commands cannot be replayed here");
    }
    assumeTrue(runs("python3", "-c", "import numpy"), "python3 with numpy is missing: the walk-through needs it");
    assumeTrue(runs("bash", "-c", "curl --help all | grep -q -- --json"), "curl is older than 7.82 (no --json)");

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
        replay(doc, checkout, "http://localhost:" + service.port());
        timings.add(String.format("%s %.1f s", doc, (System.nanoTime() - t0) / 1e9));
      }
      log.info("Docs replayed: service start {} ms, {}", startMillis, timings);
    } finally {
      service.terminate(Duration.ofMinutes(1)); // SIGTERM: the embedded database stops with it
    }
  }

  /** Runs the doc's replayed blocks as one script in {@code dir}; fails naming the block that failed. */
  private void replay(Path doc, Path dir, String url) throws IOException, InterruptedException {
    List<Block> blocks = blocks(doc).stream().filter(Block::replayed).toList();
    assertThat(blocks).as("bash blocks to replay in %s", doc).isNotEmpty();
    StringBuilder script = new StringBuilder("set -euo pipefail\n");
    for (int i = 0; i < blocks.size(); i++) {
      script.append("echo '>>> block ").append(i).append("' >&2\n").append(blocks.get(i).text())
          .append("echo '<<< block ").append(i).append("' >&2\n");
    }
    String name = doc.getFileName().toString().replace(".md", "");
    Path file = tmp.resolve(name + ".sh");
    Path output = tmp.resolve(name + ".out");
    Files.writeString(file, script);
    ProcessBuilder builder = new ProcessBuilder("bash", file.toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("SNMF", url);
    Process bash = builder.start();
    boolean finished = bash.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      bash.destroyForcibly().waitFor();
    }
    String out = Files.readString(output);
    int failed = lastStarted(out);
    Block at = failed < 0 ? null : blocks.get(failed);
    String where = at == null ? doc.toString() : doc + ":" + at.line();
    assertThat(finished).as("%s finished within 10 minutes; output:%n%s", where, out).isTrue();
    assertThat(bash.exitValue()).as("exit status of the commands at %s; output:%n%s", where, out).isZero();
    assertThat(out).as("every block of %s ran", doc).contains("<<< block " + (blocks.size() - 1));
  }

  /** The block that started last (and had not ended when the script stopped, if it failed). */
  private static int lastStarted(String output) {
    Matcher m = Pattern.compile("(?m)^>>> block (\\d+)$").matcher(output);
    int last = -1;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    return last;
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
    List<String> lines = blocks(doc).stream().filter(b -> !b.replayed())
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

  static List<Block> blocks(Path doc) throws IOException {
    List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).equals("```bash")) {
        continue;
      }
      Matcher skip = i > 0 ? SKIP.matcher(lines.get(i - 1)) : null;
      StringBuilder text = new StringBuilder();
      int start = i + 1;
      for (i++; i < lines.size() && !lines.get(i).equals("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      blocks.add(new Block(doc, start + 1, text.toString(), skip != null && skip.matches() ? skip.group(1) : null));
    }
    return blocks;
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
