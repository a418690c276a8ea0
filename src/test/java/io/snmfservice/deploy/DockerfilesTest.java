package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.deploy.Dockerfile.Stage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What the Dockerfiles promise, read from the files: the CUDA image cannot be built without its GPU base image,
 * and the defaults (public base images, Maven in the build) are what builds elsewhere. The CPU image built from
 * local Debian bases runs in {@link ComposeStackTest}.
 */
class DockerfilesTest {

  /** At least major.minor in the tag: `17.0.16_8-jre-jammy`, `3.9.11-eclipse-temurin-17`, `11.8.0-runtime-…`. */
  private static final Pattern PINNED_TAG = Pattern.compile("^v?\\d+\\.\\d+.*");
  private static final Pattern COPY_FROM = Pattern.compile("--from=(\\S+)\\s+(\\S+)");

  private static Dockerfile read(String name) throws IOException {
    return Dockerfile.read(Path.of("docker", name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.cuda"})
  void pinsEveryBaseImageToAVersionTag(String name) throws IOException {
    Dockerfile dockerfile = read(name);

    for (Stage stage : dockerfile.stages()) {
      if (dockerfile.isStageReference(stage.image())) {
        continue;
      }
      assertThat(stage.baseIsBuildArgument()).as("%s is a build argument", stage.from()).isTrue();
      assertThat(stage.tag()).as("tag of %s", stage.image()).isNotEmpty().isNotEqualTo("latest").matches(PINNED_TAG);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.cuda"})
  void buildsTheJarInAnEarlierStageThanTheRuntime(String name) throws IOException {
    Dockerfile dockerfile = read(name);
    Stage build = dockerfile.stage("build").orElseThrow(() -> new AssertionError("no `AS build` stage"));

    assertThat(dockerfile.stages()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(build.image()).containsAnyOf("maven:", "-jdk");
    assertThat(String.join("\n", build.arguments("RUN"))).contains("mvn").contains("-DskipTests package");
    assertThat(dockerfile.runtime().arguments("COPY"))
        .as("the runtime takes the application from the build stage")
        .anyMatch(copy -> copy.contains("--from=build"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.cuda"})
  void runsOnAJavaRuntimeWithoutJdkOrMaven(String name) throws IOException {
    Dockerfile dockerfile = read(name);
    Stage runtime = dockerfile.runtime();

    assertThat(runtime.image()).doesNotContain("-jdk").doesNotStartWith("maven");
    boolean jreBase = runtime.tag().contains("-jre");
    boolean jreCopied = runtime.arguments("COPY").stream()
        .map(COPY_FROM::matcher)
        .filter(Matcher::find)
        .anyMatch(m -> m.group(2).equals("/opt/java/openjdk")
            && dockerfile.stage(m.group(1)).map(s -> s.tag().contains("-jre")).orElse(false));
    assertThat(jreBase || jreCopied)
        .as("runtime is a -jre image or copies the JRE from a -jre stage: %s", runtime.image())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.cuda"})
  void runsAsANonRootUser(String name) throws IOException {
    Stage runtime = read(name).runtime();

    String user = runtime.last("USER").orElseThrow(() -> new AssertionError("no USER in the runtime stage"));
    String account = user.split(":")[0];
    assertThat(account).isNotIn("root", "0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.cuda"})
  void checksHealthOnTheActuatorAndServesPort8080(String name) throws IOException {
    Stage runtime = read(name).runtime();

    String healthcheck = runtime.last("HEALTHCHECK").orElseThrow(() -> new AssertionError("no HEALTHCHECK"));
    assertThat(healthcheck).contains("CMD").contains("http://localhost:${SERVER_PORT:-8080}/actuator/health/liveness");
    assertThat(runtime.arguments("EXPOSE")).contains("8080");
    assertThat(runtime.last("ENTRYPOINT")).hasValueSatisfying(e -> assertThat(e).contains("\"java\"", "\"-jar\""));
    assertThat(String.join(" ", runtime.arguments("ENV"))).contains("SNMF_DATA_DIR=/data").contains("HF_HOME=/data/hf");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.cuda"})
  void carriesTheSparkHomeAndApplicationForSparkExecutors(String name) throws IOException {
    Dockerfile dockerfile = read(name);

    assertThat(String.join("\n", dockerfile.stage("build").orElseThrow().arguments("RUN")))
        .contains("cp -r spark/target/spark-home/. /spark/").contains("cp spark/target/snmf-spark.jar /spark/");
    assertThat(dockerfile.runtime().arguments("COPY")).anyMatch(copy -> copy.contains("--from=build") && copy.endsWith("/spark/ /opt/snmf-spark/"));
    assertThat(String.join(" ", dockerfile.runtime().arguments("ENV"))).contains("SNMF_SPARK_HOME=/opt/snmf-spark");
  }

  @Test
  void cudaImageBuildsTheCudaProfileOnACudaRuntimeWithACudaLibtorch() throws IOException {
    Dockerfile dockerfile = read("Dockerfile.cuda");
    Stage runtime = dockerfile.runtime();
    String buildSteps = String.join("\n", dockerfile.stage("build").orElseThrow().arguments("RUN"));

    assertThat(runtime.repository()).isEqualTo("nvidia/cuda");
    // ND4J's CUDA backend is nd4j-cuda-11.6: any 11.x runtime from 11.6 on serves it
    assertThat(runtime.tag()).startsWith("11.8").contains("runtime");
    assertThat(buildSteps).contains("-Pcuda");
    // the bundled CPU libtorch would otherwise be picked over the CUDA one
    assertThat(buildSteps).contains("rm -f /extracted/dependencies/lib/pytorch-native-cpu-");
    assertThat(String.join(" ", runtime.arguments("ENV"))).contains("PYTORCH_FLAVOR=cu").contains("ENGINE_CACHE_DIR=/data");
  }

  @Test
  void dockerignoreKeepsBuildOutputOutButSourcesIn() throws IOException {
    List<String> ignored = java.nio.file.Files.readAllLines(Path.of(".dockerignore")).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .toList();

    assertThat(ignored).contains("target/", ".git/");
    assertThat(ignored).doesNotContain("src/", "src", "pom.xml", "*");
  }
}
