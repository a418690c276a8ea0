package io.snmfservice.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Dockerfile read as build stages of instructions: comments dropped, backslash continuations joined, a FROM that
 * names a build argument ({@code FROM ${BUILD_IMAGE}}) read as that argument's default. Enough of the format to
 * check what our images promise without building them.
 */
record Dockerfile(List<Stage> stages) {

  record Instruction(String keyword, String arguments) {}

  /**
   * One FROM … [AS name] and the instructions up to the next FROM; {@code image} is the image it builds on by
   * default, {@code from} what the FROM says.
   */
  record Stage(String image, String from, String name, List<Instruction> instructions) {

    /** True when the base image is a build argument declared before the first FROM. */
    boolean baseIsBuildArgument() {
      return from.startsWith("$");
    }

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
    Map<String, String> globalArguments = new HashMap<>();
    for (Instruction instruction : instructions(Files.readAllLines(file))) {
      if (instruction.keyword().equals("FROM")) {
        String[] words = instruction.arguments().split("\\s+");
        // FROM [--platform=…] image [AS name]
        int at = words[0].startsWith("--") ? 1 : 0;
        String name = words.length > at + 2 && words[at + 1].equalsIgnoreCase("AS") ? words[at + 2] : "";
        String from = words[at];
        String argument = from.replaceAll("^\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?$", "$1");
        String image = from.startsWith("$") ? globalArguments.getOrDefault(argument, "") : from;
        stages.add(new Stage(image, from, name, new ArrayList<>()));
      } else if (stages.isEmpty() && instruction.keyword().equals("ARG")) {
        String[] nameAndDefault = instruction.arguments().split("=", 2);
        globalArguments.put(nameAndDefault[0], nameAndDefault.length > 1 ? nameAndDefault[1] : "");
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
