package io.snmfservice.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snmfservice.activations.store.ActivationFileWriter;
import io.snmfservice.activations.store.DType;
import io.snmfservice.snmf.CancellationSignal;
import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfProgressListener;
import io.snmfservice.support.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark home can submit to Kubernetes: with a k8s:// master the application gets as far as asking the API server
 * for executor pods (none listens here), so the Kubernetes support and its dependencies load; the failure reaches
 * the caller with Spark's reason and the working directory is removed.
 */
@SparkTest
class SparkKubernetesSubmitTest {

  @TempDir Path dir;

  @Test
  void aKubernetesMasterIsAskedForExecutorPods() {
    SparkProperties local = SparkTestSetup.localTwo(1);
    SparkProperties k8s = new SparkProperties("k8s://https://127.0.0.1:1", local.home(), local.appJar(), 1, "512m",
        "512m", Map.of("spark.kubernetes.container.image", "snmf-service:test"));
    Path file = dir.resolve("a.act");
    try (ActivationFileWriter w = ActivationFileWriter.create(file, 4, DType.FLOAT32, 16)) {
      w.appendColumns(new float[4 * 16], 16);
    }
    Path work = dir.resolve("work");
    assertThatThrownBy(() -> new SparkSnmf(k8s).factorize(file, SnmfConfig.of(2).withMaxIterations(1), work,
        SnmfProgressListener.NONE, CancellationSignal.NEVER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Spark application ended FAILED")
        .hasMessageContaining("127.0.0.1:1")
        .hasMessageNotContaining("NoSuchMethodError")
        .hasMessageNotContaining("Could not load KUBERNETES classes");
    assertThat(Files.exists(work)).isFalse();
  }
}
