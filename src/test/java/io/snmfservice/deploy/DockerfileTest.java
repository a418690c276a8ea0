package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small Dockerfile reader behind DockerfilesTest: it must see what a violation looks like. */
class DockerfileTest {

  @TempDir
  Path dir;

  private Dockerfile parse(String text) throws IOException {
    Path file = dir.resolve("Dockerfile");
    Files.writeString(file, text);
    return Dockerfile.read(file);
  }

  @Test
  void readsAnUntaggedImageAsHavingNoTag() throws IOException {
    Dockerfile dockerfile = parse("""
        FROM eclipse-temurin
        FROM localhost:5000/team/jre
        FROM --platform=linux/amd64 postgres:16.10 AS db
        """);

    assertThat(dockerfile.stages()).extracting(Dockerfile.Stage::tag).containsExactly("", "", "16.10");
    assertThat(dockerfile.stages()).extracting(Dockerfile.Stage::repository)
        .containsExactly("eclipse-temurin", "localhost:5000/team/jre", "postgres");
    assertThat(dockerfile.stage("db")).isPresent();
  }

  @Test
  void joinsContinuedInstructionsAndSkipsCommentsInsideThem() throws IOException {
    Dockerfile dockerfile = parse("""
        FROM maven:3.9.11-eclipse-temurin-17 AS build
        RUN mvn -B \\
         # a comment inside the instruction
         -DskipTests package
        FROM eclipse-temurin:17.0.16_8-jre-jammy
        USER root
        USER 10001:10001
        HEALTHCHECK --interval=30s \\
          CMD curl -fsS http://localhost:8080/actuator/health || exit 1
        """);

    assertThat(dockerfile.stage("build").orElseThrow().arguments("RUN")).containsExactly("mvn -B -DskipTests package");
    assertThat(dockerfile.runtime().last("USER")).hasValue("10001:10001");
    assertThat(dockerfile.runtime().last("HEALTHCHECK")).hasValueSatisfying(h -> assertThat(h).contains("CMD curl"));
    assertThat(dockerfile.isStageReference("build")).isTrue();
    assertThat(dockerfile.isStageReference("eclipse-temurin")).isFalse();
  }

  @Test
  void readsABaseImageNamedByABuildArgumentAsItsDefault() throws IOException {
    Dockerfile dockerfile = parse("""
        ARG BUILD_IMAGE=maven:3.9.11-eclipse-temurin-17
        ARG RUNTIME_IMAGE=eclipse-temurin:17.0.16_8-jre-jammy
        FROM ${BUILD_IMAGE} AS build
        ARG APP_SOURCE=maven
        FROM $RUNTIME_IMAGE
        """);

    assertThat(dockerfile.stages()).extracting(Dockerfile.Stage::image)
        .containsExactly("maven:3.9.11-eclipse-temurin-17", "eclipse-temurin:17.0.16_8-jre-jammy");
    assertThat(dockerfile.stages()).allMatch(Dockerfile.Stage::baseIsBuildArgument);
    assertThat(dockerfile.stage("build").orElseThrow().arguments("ARG")).containsExactly("APP_SOURCE=maven");
  }
}
