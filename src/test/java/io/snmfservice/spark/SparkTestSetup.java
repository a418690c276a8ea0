package io.snmfservice.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The Spark home and application that the root build assembles in spark/target (see pom.xml, exec snmf-spark). */
final class SparkTestSetup {

  static final Path HOME = Path.of("spark/target/spark-home");
  static final Path APP_JAR = Path.of("spark/target/snmf-spark.jar");

  private SparkTestSetup() {}

  static SparkProperties localTwo(int partitions) {
    if (!Files.isExecutable(HOME.resolve("bin/spark-submit")) || !Files.exists(APP_JAR)) {
      throw new IllegalStateException("spark/target has no Spark home or application: build it with "
          + "./mvnw -f spark/pom.xml package (the root build does so unless -Dsnmf.spark.build.skip=true)");
    }
    return new SparkProperties("local[2]", HOME, APP_JAR, partitions, "1g", "1g", Map.of());
  }
}
