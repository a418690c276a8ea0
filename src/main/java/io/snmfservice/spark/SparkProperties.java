package io.snmfservice.spark;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The data-parallel SNMF on Spark, settings under {@code snmf.spark}. Without a master, factorizations run in this
 * process as before.
 *
 * @param master where the Spark application runs: {@code local[N]}, {@code spark://host:port}, {@code k8s://https://…};
 *     unset (the default) keeps the single-machine engine
 * @param home a Spark home (bin/spark-submit, jars/): the one the spark/ module assembles, or a Spark distribution
 *     with ND4J in its jars/
 * @param appJar the snmf-spark application jar
 * @param partitions partitions of A (column ranges); 0 leaves it to Spark's default parallelism
 * @param driverMemory spark.driver.memory
 * @param executorMemory spark.executor.memory
 * @param conf further Spark settings, passed as --conf (e.g. spark.kubernetes.container.image)
 */
@ConfigurationProperties("snmf.spark")
public record SparkProperties(
    String master,
    @DefaultValue("spark/target/spark-home") Path home,
    @DefaultValue("spark/target/snmf-spark.jar") Path appJar,
    @DefaultValue("0") int partitions,
    @DefaultValue("2g") String driverMemory,
    @DefaultValue("2g") String executorMemory,
    Map<String, String> conf) {

  public SparkProperties {
    conf = conf == null ? Map.of() : Map.copyOf(conf);
  }

  public boolean enabled() {
    return master != null && !master.isBlank();
  }
}
