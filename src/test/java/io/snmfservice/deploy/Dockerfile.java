package io.snmfservice.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Dockerfile read as build stages of instructions: comments dropped, backslash continuations joined. Enough
 * of the format to check what our images promise without a Docker engine.
 */
record Dockerfile(List<Stage> stages) {

  record Instruction(String keyword, String arguments) {}

  /** One FROM … [AS name] and the instructions up to the next FROM. */
  record Stage(String image, String name, List<Instruction> instructions) {

    List<String> arguments(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    Optional<String> last(String keyword) {
      List<String> all = arguments(keyword);
      return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Image name without the tag ("eclipse-temurin" for "eclipse-temurin:17.0.16_8-jre-jammy"). */
    String repository() {
      int colon = image.lastIndexOf(':');
      return colon < 0 || image.lastIndexOf('/') > colon ? image : image.substring(0, colon);
    }

    /** The tag, or empty when the FROM names no tag (which means `latest`). */
    String tag() {
      int colon = image.lastIndexOf(':');
      return colon < 0 || image.lastIndexOf('/') > colon ? "" : image.substring(colon + 1);
    }
  }

  static Dockerfile read(Path file) throws IOException {
    List<Stage> stages = new ArrayList<>();
    for (Instruction instruction : instructions(Files.readAllLines(file))) {
      if (instruction.keyword().equals("FROM")) {
        String[] words = instruction.arguments().split("\\s+");
        // FROM [--platform=…] image [AS name]
        int at = words[0].startsWith("--") ? 1 : 0;
        String name = words.length > at + 2 && words[at + 1].equalsIgnoreCase("AS") ? words[at + 2] : "";
        stages.add(new Stage(words[at], name, new ArrayList<>()));
      } else if (!stages.isEmpty()) {
        stages.get(stages.size() - 1).instructions().add(instruction);
      }
    }
    return new Dockerfile(stages);
  }

  private static List<Instruction> instructions(List<String> lines) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
        continue; // comments may sit inside a continued instruction too
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      String text = pending.toString().strip().replaceAll("\\s+", " ");
      pending.setLength(0);
      if (!text.isEmpty()) {
        String[] parts = text.split("\\s+", 2);
        instructions.add(new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
      }
    }
    return instructions;
  }

  Stage runtime() {
    return stages.get(stages.size() - 1);
  }

  Optional<Stage> stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** True when FROM refers to an earlier stage of this file rather than to a registry image. */
  boolean isStageReference(String image) {
    return stages.stream().anyMatch(s -> s.name().equals(image));
  }
}
