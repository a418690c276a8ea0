package io.snmfservice.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code bash} blocks of a Markdown doc, and their replay as one script against a running service. A block that
 * is not to run says so with {@code <!-- docs-replay: skip (why) -->} on the line before its fence.
 */
public final class DocsReplay {

  private static final Pattern SKIP = Pattern.compile("^<!-- docs-replay: skip \\((.+)\\) -->$");

  private DocsReplay() {}

  /** A fenced bash block: where it starts (the line after the fence) and why it is not run, if it is not. */
  public record Block(Path file, int line, String text, String skipReason) {

    public boolean replayed() {
      return skipReason == null;
    }
  }

  /**
   * Runs the doc's replayed blocks as one script ({@code set -euo pipefail}) in {@code dir}, with {@code environment}
   * added (e.g. {@code SNMF}, where the service is), keeping the script and its output in {@code scratch}; fails
   * naming the block that failed.
   */
  public static void replay(Path doc, Path dir, Path scratch, Map<String, String> environment)
      throws IOException, InterruptedException {
    List<Block> blocks = blocks(doc).stream().filter(Block::replayed).toList();
    assertThat(blocks).as("bash blocks to replay in %s", doc).isNotEmpty();
    StringBuilder script = new StringBuilder("set -euo pipefail\n");
    for (int i = 0; i < blocks.size(); i++) {
      script.append("echo '>>> block ").append(i).append("' >&2\n").append(blocks.get(i).text())
          .append("echo '<<< block ").append(i).append("' >&2\n");
    }
    String name = doc.getFileName().toString().replace(".md", "");
    Path file = scratch.resolve(name + ".sh");
    Path output = scratch.resolve(name + ".out");
    Files.writeString(file, script);
    ProcessBuilder builder = new ProcessBuilder("bash", file.toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(environment);
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

  public static List<Block> blocks(Path doc) throws IOException {
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
}
