package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.deploy.RenderedChart.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart runs what {@link ComposeStackTest} proved on a container engine: the same image, the same probe
 * paths and port, and every setting the compose stack gives its API and workers, but for those that only the
 * host-network stack needs.
 */
class ChartMatchesComposeTest {

  /** Compose settings that exist because its containers share the host's network or mount local models. */
  private static final Set<String> COMPOSE_ONLY = Set.of(
      "SERVER_ADDRESS", "SERVER_PORT", "SNMF_MODELS_ALLOWED_ROOTS", "JAVA_TOOL_OPTIONS");
  private static final Pattern DEFAULT = Pattern.compile("^\\$\\{[A-Z0-9_]+:-(.*)}$");
  private static final Pattern URL_PATH = Pattern.compile("http://localhost:\\S*?(/actuator/\\S+?)[\"\\s]");

  static Node compose;
  static RenderedChart chart;
  static Dockerfile dockerfile;

  @BeforeAll
  static void read() throws IOException {
    compose = ComposeFileTest.load(Path.of("docker", "compose.yaml"));
    // with the two secrets compose can be given (admin key, hub token) given to the chart too
    chart = RenderedChart.render(command -> command
        .set("security.bootstrapAdminKey.value", "an-admin-key-of-thirty-characters")
        .set("huggingface.token", "a-hub-token"));
    dockerfile = Dockerfile.read(Path.of("docker", "Dockerfile"));
  }

  @Test
  void runsTheImageTheComposeStackRuns() {
    for (String role : List.of("api", "worker")) {
      assertThat(chart.get("Deployment", deployment(role)).container().string("image"))
          .isEqualTo(defaultOf(compose.string("services.api.image")))
          .isEqualTo(defaultOf(compose.string("services.worker-1.image")));
    }
  }

  @Test
  void probesThePathsTheComposeStackAndTheImageCheck() {
    String readiness = actuatorPath(String.join(" ", stringsOf(compose.list("services.api.healthcheck.test"))) + " ");
    String liveness = actuatorPath(dockerfile.runtime().last("HEALTHCHECK").orElseThrow() + " ");
    for (String role : List.of("api", "worker")) {
      Node container = chart.get("Deployment", deployment(role)).container();
      assertThat(container.get("readinessProbe.httpGet.path")).isEqualTo(readiness);
      assertThat(container.get("livenessProbe.httpGet.path")).isEqualTo(liveness);
    }
  }

  @Test
  void servesTheImagesPortAndScrapesThePrometheusPathTheStackServes() {
    int composePort = Integer.parseInt(defaultOf(compose.string("services.api.environment.SERVER_PORT")));
    assertThat(dockerfile.runtime().arguments("EXPOSE")).contains(Integer.toString(composePort));
    for (String role : List.of("api", "worker")) {
      Node workload = chart.get("Deployment", deployment(role));
      assertThat(workload.container().get("ports.0.containerPort")).isEqualTo(composePort);
      assertThat(workload.map("spec.template.metadata.annotations"))
          .containsEntry("prometheus.io/path", "/actuator/prometheus");
      assertThat(workload.container().get("volumeMounts.0.mountPath")).isEqualTo("/data");
    }
  }

  @Test
  void givesEveryRoleTheSettingsTheComposeStackGivesIt() {
    Map<String, Object> shared = chart.get("ConfigMap", HelmChartTemplateTest.PREFIX).map("data");
    for (String role : List.of("api", "worker")) {
      Map<String, Object> composeEnv = compose.map("services." + (role.equals("api") ? "api" : "worker-1") + ".environment");
      Node workload = chart.get("Deployment", deployment(role));
      Set<String> chartEnv = new HashSet<>(shared.keySet());
      workload.container().list("env").forEach(e -> chartEnv.add(String.valueOf(((Map<?, ?>) e).get("name"))));

      Set<String> expected = new HashSet<>(composeEnv.keySet());
      expected.removeAll(COMPOSE_ONLY);
      assertThat(chartEnv).as("settings of the %s pods", role).containsAll(expected);
      assertThat(workload.env("SNMF_ROLE").get("value")).isEqualTo(composeEnv.get("SNMF_ROLE"));
      for (String literal : List.of("SNMF_DATA_DIR", "HF_HOME")) {
        assertThat(shared.get(literal)).isEqualTo(composeEnv.get(literal));
      }
    }
  }

  private static String deployment(String role) {
    return HelmChartTemplateTest.PREFIX + "-" + role;
  }

  private static String defaultOf(String value) {
    Matcher m = DEFAULT.matcher(value);
    return m.matches() ? m.group(1) : value;
  }

  private static String actuatorPath(String command) {
    Matcher m = URL_PATH.matcher(command);
    assertThat(m.find()).as("an actuator URL in " + command).isTrue();
    return m.group(1);
  }

  private static List<String> stringsOf(List<Object> values) {
    return values.stream().map(String::valueOf).toList();
  }
}
