package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snmfservice.deploy.RenderedChart.Node;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** `helm template` of the chart: the fields a cluster depends on, read from the parsed manifests. */
class HelmChartTemplateTest {

  static final String PREFIX = "snmf-snmf-service";
  static final String API = PREFIX + "-api";
  static final String WORKER = PREFIX + "-worker";

  @Nested
  class WithDefaultValues {

    static RenderedChart chart;

    @BeforeAll
    static void render() {
      chart = RenderedChart.renderDefaults();
    }

    @Test
    void runsTwoApiPodsAndOneCpuWorker() {
      assertThat(chart.get("Deployment", API).get("spec.replicas")).isEqualTo(2);
      assertThat(chart.get("Deployment", WORKER).get("spec.replicas")).isEqualTo(1);
      assertThat(chart.get("Deployment", WORKER).container().map("resources.limits"))
          .doesNotContainKey("nvidia.com/gpu");
      assertThat(chart.has("HorizontalPodAutoscaler", API)).isFalse();
      assertThat(chart.ofKind("Ingress")).isEmpty();
    }

    @Test
    void hasNoSparkSetupUnlessAskedFor() {
      assertThat(chart.ofKind("ServiceAccount")).isEmpty();
      assertThat(chart.ofKind("Role")).isEmpty();
      assertThat(chart.get("Deployment", WORKER).get("spec.template.spec.automountServiceAccountToken")).isEqualTo(false);
      assertThat(chart.get("Deployment", WORKER).container().list("env"))
          .noneMatch(e -> "SNMF_SPARK_MASTER".equals(((Map<?, ?>) e).get("name")));
    }

    @Test
    void givesEachDeploymentItsRole() {
      assertThat(chart.get("Deployment", API).env("SNMF_ROLE").get("value")).isEqualTo("api");
      assertThat(chart.get("Deployment", WORKER).env("SNMF_ROLE").get("value")).isEqualTo("worker");
      assertThat(chart.get("Deployment", WORKER).env("SNMF_WORKERS_THREADS").get("value")).isEqualTo("2");
    }

    @Test
    void probesActuatorLivenessAndReadinessOnTheManagementPort() {
      for (String deployment : List.of(API, WORKER)) {
        Node container = chart.get("Deployment", deployment).container();
        assertThat(container.get("ports.0.containerPort")).isEqualTo(8080);
        assertThat(container.get("ports.0.name")).isEqualTo("http");
        assertThat(container.get("livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(container.get("readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
        assertThat(container.get("startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(container.get("ports.1.containerPort")).isEqualTo(9090);
        assertThat(container.get("ports.1.name")).isEqualTo("management");
        assertThat(container.get("livenessProbe.httpGet.port")).isEqualTo("management");
        assertThat(container.get("readinessProbe.httpGet.port")).isEqualTo("management");
      }
    }

    @Test
    void readsDatabaseCredentialsFromTheExistingSecret() {
      for (String deployment : List.of(API, WORKER)) {
        Node workload = chart.get("Deployment", deployment);
        assertThat(workload.env("SPRING_DATASOURCE_USERNAME").map("valueFrom.secretKeyRef"))
            .containsEntry("name", "snmf-db").containsEntry("key", "username");
        assertThat(workload.env("SPRING_DATASOURCE_PASSWORD").map("valueFrom.secretKeyRef"))
            .containsEntry("name", "snmf-db").containsEntry("key", "password");
        assertThat(workload.env("SPRING_DATASOURCE_PASSWORD").has("value")).isFalse();
      }
      assertThat(chart.ofKind("Secret")).as("no chart-made secret for an external database").isEmpty();
      assertThat(chart.ofKind("StatefulSet")).isEmpty();
    }

    @Test
    void sharesSettingsThroughTheConfigMap() {
      Map<String, Object> settings = chart.get("ConfigMap", PREFIX).map("data");
      assertThat(settings)
          .containsEntry("SNMF_DATA_DIR", "/data")
          .containsEntry("HF_HOME", "/data/hf")
          .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgresql:5432/snmf")
          .containsEntry("SPRING_PROFILES_ACTIVE", "json");
      for (String deployment : List.of(API, WORKER)) {
        assertThat(chart.get("Deployment", deployment).container().get("envFrom.0.configMapRef.name"))
            .isEqualTo(PREFIX);
      }
    }

    @Test
    void mountsOneReadWriteManyVolumeAtDataInEveryPod() {
      Node claim = chart.get("PersistentVolumeClaim", PREFIX + "-data");
      assertThat(claim.list("spec.accessModes")).containsExactly("ReadWriteMany");
      for (String deployment : List.of(API, WORKER)) {
        Node workload = chart.get("Deployment", deployment);
        assertThat(workload.container().get("volumeMounts.0.mountPath")).isEqualTo("/data");
        assertThat(workload.get("spec.template.spec.volumes.0.persistentVolumeClaim.claimName"))
            .isEqualTo(PREFIX + "-data");
      }
    }

    @Test
    void annotatesPodsForPrometheusScraping() {
      for (String deployment : List.of(API, WORKER)) {
        assertThat(chart.get("Deployment", deployment).map("spec.template.metadata.annotations"))
            .containsEntry("prometheus.io/scrape", "true")
            .containsEntry("prometheus.io/port", "9090")
            .containsEntry("prometheus.io/path", "/actuator/prometheus");
      }
    }

    @Test
    void runsAsNonRootWithoutPrivilegeEscalation() {
      for (String deployment : List.of(API, WORKER)) {
        Node workload = chart.get("Deployment", deployment);
        assertThat(workload.get("spec.template.spec.securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(workload.container().get("securityContext.allowPrivilegeEscalation")).isEqualTo(false);
      }
    }

    @Test
    void routesTheServiceToApiPodsOnly() {
      Map<String, Object> selector = chart.get("Service", PREFIX).map("spec.selector");
      assertThat(selector).containsEntry("app.kubernetes.io/component", "api");
      assertThat(chart.get("Deployment", API).map("spec.template.metadata.labels")).containsAllEntriesOf(selector);
      assertThat(chart.get("Deployment", WORKER).map("spec.template.metadata.labels"))
          .containsEntry("app.kubernetes.io/component", "worker");
    }
  }

  @Nested
  class WithGpuWorkerValues {

    static RenderedChart chart;

    @BeforeAll
    static void render() {
      chart = RenderedChart.renderWith(Path.of("helm", "values-gpu.yaml"));
    }

    @Test
    void requestsOneGpuPerWorkerPod() {
      Node worker = chart.get("Deployment", WORKER);
      assertThat(worker.get("spec.replicas")).isEqualTo(4);
      assertThat(worker.container().map("resources.limits")).containsEntry("nvidia.com/gpu", 1);
      assertThat(worker.container().map("resources.requests")).containsEntry("nvidia.com/gpu", 1);
      assertThat(worker.container().map("resources.limits")).containsEntry("memory", "48Gi");
      assertThat(worker.env("SNMF_WORKERS_THREADS").get("value")).isEqualTo("1");
      assertThat(worker.get("spec.strategy.rollingUpdate.maxSurge")).as("no surge pod waiting for a GPU").isEqualTo(0);
    }

    @Test
    void schedulesWorkersOnGpuNodesWithTheCudaImage() {
      Node worker = chart.get("Deployment", WORKER);
      assertThat(worker.map("spec.template.spec.nodeSelector")).containsEntry("nvidia.com/gpu.present", "true");
      assertThat(worker.list("spec.template.spec.tolerations"))
          .containsExactly(Map.of("key", "nvidia.com/gpu", "operator", "Exists", "effect", "NoSchedule"));
      assertThat(worker.container().get("image")).isEqualTo("snmf-service:0.1.0-cuda");
    }

    @Test
    void keepsApiPodsOnCpuNodesAndAutoscalesThem() {
      Node api = chart.get("Deployment", API);
      assertThat(api.container().get("image")).isEqualTo("snmf-service:0.1.0");
      assertThat(api.container().has("resources.limits.nvidia\\.com/gpu")).isFalse();
      assertThat(api.container().map("resources.limits")).doesNotContainKey("nvidia.com/gpu");
      assertThat(api.has("spec.template.spec.nodeSelector")).isFalse();
      assertThat(api.has("spec.replicas")).as("the autoscaler owns the replica count").isFalse();

      Node autoscaler = chart.get("HorizontalPodAutoscaler", API);
      assertThat(autoscaler.get("spec.scaleTargetRef.name")).isEqualTo(API);
      assertThat(autoscaler.get("spec.minReplicas")).isEqualTo(2);
      assertThat(autoscaler.get("spec.maxReplicas")).isEqualTo(6);
    }

    @Test
    void exposesTheApiThroughTheIngress() {
      Node ingress = chart.get("Ingress", PREFIX);
      assertThat(ingress.get("spec.rules.0.host")).isEqualTo("snmf.example.org");
      assertThat(ingress.get("spec.rules.0.http.paths.0.backend.service.name")).isEqualTo(PREFIX);
    }

    @Test
    void keepsRolesProbesAndSecretsOfTheDefaults() {
      Node worker = chart.get("Deployment", WORKER);
      assertThat(worker.env("SNMF_ROLE").get("value")).isEqualTo("worker");
      assertThat(chart.get("Deployment", API).env("SNMF_ROLE").get("value")).isEqualTo("api");
      assertThat(worker.container().get("readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
      assertThat(worker.env("SPRING_DATASOURCE_PASSWORD").get("valueFrom.secretKeyRef.name")).isEqualTo("snmf-db");
    }
  }

  @Nested
  class WithSparkOnKubernetes {

    static RenderedChart chart;

    @BeforeAll
    static void render() {
      chart = RenderedChart.render(command -> command
          .set("spark.enabled", "true")
          .set("spark.executor.instances", "4")
          .set("spark.conf.spark\\.kubernetes\\.executor\\.request\\.cores", "1500m"));
    }

    @Test
    void givesTheWorkersAServiceAccountThatMayManageExecutorPodsInTheNamespaceOnly() {
      String account = PREFIX + "-spark";
      assertThat(chart.has("ServiceAccount", account)).isTrue();
      Node worker = chart.get("Deployment", WORKER);
      assertThat(worker.get("spec.template.spec.serviceAccountName")).isEqualTo(account);
      assertThat(worker.get("spec.template.spec.automountServiceAccountToken")).isEqualTo(true);
      assertThat(chart.get("Deployment", API).get("spec.template.spec.automountServiceAccountToken")).isEqualTo(false);
      Node role = chart.get("Role", PREFIX + "-spark-driver");
      assertThat(role.get("rules.0.resources")).isEqualTo(List.of("pods"));
      assertThat(role.list("rules.0.verbs")).contains("create", "watch", "delete");
      assertThat(chart.ofKind("ClusterRole")).isEmpty();
      Node binding = chart.get("RoleBinding", PREFIX + "-spark-driver");
      assertThat(binding.get("subjects.0.name")).isEqualTo(account);
      assertThat(binding.get("roleRef.name")).isEqualTo(PREFIX + "-spark-driver");
    }

    @Test
    void pointsTheWorkersAtKubernetesAndTheSparkDefaults() {
      Node worker = chart.get("Deployment", WORKER);
      assertThat(worker.env("SNMF_SPARK_MASTER").get("value")).isEqualTo("k8s://https://kubernetes.default.svc");
      assertThat(worker.env("SPARK_CONF_DIR").get("value")).isEqualTo("/etc/snmf-spark");
      assertThat(worker.env("SNMF_POD_IP").get("valueFrom.fieldRef.fieldPath")).isEqualTo("status.podIP");
      assertThat(worker.container().list("volumeMounts"))
          .anyMatch(m -> "/etc/snmf-spark".equals(((Map<?, ?>) m).get("mountPath")));
      assertThat(chart.get("Deployment", API).container().list("env"))
          .noneMatch(e -> "SNMF_SPARK_MASTER".equals(((Map<?, ?>) e).get("name")));

      Map<String, Object> files = chart.get("ConfigMap", PREFIX + "-spark").map("data");
      String defaults = (String) files.get("spark-defaults.conf");
      assertThat(defaults)
          .contains("spark.kubernetes.container.image snmf-service:")
          .contains("spark.executor.instances 4")
          .contains("spark.kubernetes.executor.volumes.persistentVolumeClaim.data.mount.path /data")
          .contains("spark.kubernetes.executor.request.cores 1500m")
          .contains("spark.driver.host ${env:SNMF_POD_IP}");
      // executors are the service image, started through its Spark executor script
      assertThat((String) files.get("executor-pod-template.yaml")).contains("/opt/snmf-spark/bin/k8s-executor");
    }

    @Test
    void needsTheWorkerDeployment() {
      assertThatThrownBy(() -> RenderedChart.render(command -> command.set("spark.enabled", "true")
          .set("worker.enabled", "false"))).hasMessageContaining("spark.enabled needs worker.enabled");
    }
  }

  @Nested
  class WithBundledPostgres {

    static RenderedChart chart;

    @BeforeAll
    static void render() {
      chart = RenderedChart.render(command -> command
          .set("postgresql.bundled.enabled", "true")
          .set("postgresql.bundled.password", "trial-password"));
    }

    @Test
    void runsAPinnedPostgresStatefulSetBehindAService() {
      Node postgres = chart.get("StatefulSet", PREFIX + "-postgresql");
      String image = postgres.container().string("image");
      assertThat(image).startsWith("postgres:").doesNotEndWith(":latest");
      assertThat(image.substring("postgres:".length())).matches("\\d+\\.\\d+.*");
      assertThat(postgres.get("spec.volumeClaimTemplates.0.metadata.name")).isEqualTo("pgdata");
      assertThat(chart.get("Service", PREFIX + "-postgresql").get("spec.ports.0.port")).isEqualTo(5432);
    }

    @Test
    void pointsTheServiceAtTheBundledDatabaseWithTheChartSecret() {
      assertThat(chart.get("ConfigMap", PREFIX).map("data"))
          .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://" + PREFIX + "-postgresql:5432/snmf");
      Node secret = chart.get("Secret", PREFIX + "-postgresql");
      assertThat(decode(secret.string("data.password"))).isEqualTo("trial-password");
      assertThat(decode(secret.string("data.username"))).isEqualTo("snmf");
      for (String deployment : List.of(API, WORKER)) {
        assertThat(chart.get("Deployment", deployment).env("SPRING_DATASOURCE_PASSWORD")
            .get("valueFrom.secretKeyRef.name")).isEqualTo(PREFIX + "-postgresql");
      }
      assertThat(chart.get("StatefulSet", PREFIX + "-postgresql").env("POSTGRES_PASSWORD")
          .get("valueFrom.secretKeyRef.name")).isEqualTo(PREFIX + "-postgresql");
    }

    private static String decode(String base64) {
      return new String(java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void refusesBundledPostgresWithoutAPassword() {
    assertThatThrownBy(() -> RenderedChart.render(command -> command.set("postgresql.bundled.enabled", "true")))
        .hasMessageContaining("postgresql.bundled.password is required");
  }

  @Test
  void runsJobsInTheApiPodsWhenWorkersAreDisabled() {
    RenderedChart chart = RenderedChart.render(command -> command.set("worker.enabled", "false"));

    assertThat(chart.has("Deployment", WORKER)).isFalse();
    assertThat(chart.get("Deployment", API).env("SNMF_ROLE").get("value")).isEqualTo("all");
  }

  @Test
  void passesTheHuggingFaceTokenFromAnExistingSecret() {
    RenderedChart chart = RenderedChart.render(command -> command
        .set("huggingface.existingSecret", "hf-token")
        .set("huggingface.tokenKey", "HF_TOKEN"));

    for (String deployment : List.of(API, WORKER)) {
      assertThat(chart.get("Deployment", deployment).env("HF_TOKEN").map("valueFrom.secretKeyRef"))
          .containsEntry("name", "hf-token").containsEntry("key", "HF_TOKEN");
    }
    assertThat(chart.ofKind("Secret")).isEmpty();
  }

  @Test
  void passesTheBootstrapAdminKeyFromASecret() {
    RenderedChart existing = RenderedChart.render(command -> command
        .set("security.bootstrapAdminKey.existingSecret", "snmf-admin"));
    for (String deployment : List.of(API, WORKER)) {
      assertThat(existing.get("Deployment", deployment).env("SNMF_SECURITY_BOOTSTRAP_ADMIN_KEY")
          .map("valueFrom.secretKeyRef")).containsEntry("name", "snmf-admin").containsEntry("key", "admin-key");
    }
    assertThat(existing.ofKind("Secret")).isEmpty();

    RenderedChart trial = RenderedChart.render(command -> command
        .set("security.bootstrapAdminKey.value", "trial-admin-key-0123456789"));
    assertThat(trial.ofKind("Secret")).hasSize(1);
    assertThat(trial.get("Deployment", API).env("SNMF_SECURITY_BOOTSTRAP_ADMIN_KEY").has("value")).isFalse();
  }
}
