package io.snmfservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/architecture.md honest: its package map lists every package under src/main/java/io/snmfservice and no
 * other, and nothing in the repository points at the old design document outside it.
 */
class ArchitectureDocTest {

  private static final Path SOURCES = Path.of("src/main/java/io/snmfservice");
  private static final Path DOC = Path.of("docs/architecture.md");
  /** A package-map entry: a list item that starts with the package in backticks, e.g. {@code - `models/hub` — …}. */
  /** The old pointers, spelled in pieces so that this file does not match itself. */
  private static final String OLD_NAME = "DES" + "IGN";
  private static final List<String> OLD_POINTERS = List.of(OLD_NAME + " §", "shared/" + OLD_NAME);
  private static final Pattern ENTRY = Pattern.compile("^- `([a-z0-9_]+(?:/[a-z0-9_]+)*)`");

  @Test
  void packageMapListsEveryPackageAndNoOther() throws IOException {
    Set<String> packages = packages();
    Set<String> listed = packageMap();
    assertThat(packages).as("packages under %s", SOURCES).isNotEmpty();
    assertThat(listed).as("packages listed in %s but absent from the code", DOC).isSubsetOf(packages);
    assertThat(packages).as("packages missing from the package map of %s", DOC).isSubsetOf(listed);
  }

  @Test
  void nothingPointsAtTheOldDesignDocument() throws IOException {
    List<String> hits = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Stream.concat(Files.walk(Path.of("src")), Files.walk(Path.of("docs")))) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    files.add(Path.of("README.md"));
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (java.nio.charset.MalformedInputException e) {
        continue; // binary (images, weights)
      }
      if (OLD_POINTERS.stream().anyMatch(text::contains)) {
        hits.add(file.toString());
      }
    }
    assertThat(hits).as("files that still point at the design document outside the repository").isEmpty();
  }

  /** Directories under the root package that hold .java files, as relative paths with '/' (the root excluded). */
  private static Set<String> packages() throws IOException {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".java"))
          .map(p -> SOURCES.relativize(p.getParent()))
          .filter(rel -> !rel.toString().isEmpty())
          .forEach(rel -> out.add(rel.toString().replace('\\', '/')));
    }
    return out;
  }

  /** The entries of the "## Package map" section. */
  private static Set<String> packageMap() throws IOException {
    Set<String> out = new TreeSet<>();
    boolean inMap = false;
    for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
      if (line.startsWith("## ")) {
        inMap = line.equals("## Package map");
        continue;
      }
      if (inMap) {
        Matcher m = ENTRY.matcher(line);
        if (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    assertThat(out).as("entries of the package map in %s", DOC).isNotEmpty();
    return out;
  }
}
