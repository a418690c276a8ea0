package io.snmfservice.spark;

import io.snmfservice.activations.store.StoreDirectory;
import io.snmfservice.snmf.ActivationSource;
import io.snmfservice.snmf.CancellationSignal;
import io.snmfservice.snmf.Factorizer;
import io.snmfservice.snmf.Nd4jTensorOps;
import io.snmfservice.snmf.SnmfCancelledException;
import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfInit;
import io.snmfservice.snmf.SnmfProgressListener;
import io.snmfservice.snmf.SnmfResult;
import io.snmfservice.snmf.SnmfValidationException;
import io.snmfservice.snmf.StoredResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs the first level of a factorization as the snmf-spark application (issue #17) through Spark's launcher: the
 * application reads A from the activation file, writes progress.tsv and the result ({@link StoredResult}) into a
 * working directory of the store, and this class relays the progress, kills the application on cancel and reads
 * the result back as an {@link SnmfResult}.
 */
@Component
public class SparkSnmf {

  static final String MAIN_CLASS = "io.snmfservice.sparkapp.SnmfSparkApp";
  private static final long POLL_MILLIS = 200;
  private static final Logger log = LoggerFactory.getLogger(SparkSnmf.class);

  private final SparkProperties properties;

  public SparkSnmf(SparkProperties properties) {
    this.properties = properties;
  }

  public boolean enabled() {
    return properties.enabled();
  }

  /** Random init only: the Spark application draws G₀ per partition; svd and kmeans stay on the engine. */
  public boolean supports(SnmfConfig cfg) {
    return cfg.init() == SnmfInit.RANDOM;
  }

  /** Level 1 on Spark over this activation file, with its results under workDir. */
  public Factorizer forFile(Path activationFile, Path workDir) {
    return (a, cfg, listener, cancel) -> {
      checkShape(a, cfg);
      return factorize(activationFile, cfg, workDir, listener, cancel);
    };
  }

  private static void checkShape(ActivationSource a, SnmfConfig cfg) {
    if (cfg.k() > Math.min(a.d(), a.n())) {
      throw new SnmfValidationException("k=" + cfg.k() + " exceeds min(d, n) = " + Math.min(a.d(), a.n()));
    }
  }

  /**
   * Submits the application and waits for it. The result reads G from workDir/g.bin; closing it deletes workDir,
   * as does a failure.
   */
  public SnmfResult factorize(Path activationFile, SnmfConfig cfg, Path workDir, SnmfProgressListener listener,
      CancellationSignal cancel) {
    if (!supports(cfg)) {
      throw new SnmfValidationException("the Spark path draws a random G0; init " + cfg.init() + " is not supported");
    }
    try {
      Files.createDirectories(workDir);
      Files.deleteIfExists(workDir.resolve(StoredResult.SUMMARY_FILE));
      Files.deleteIfExists(workDir.resolve("progress.tsv"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      SnmfResult r = submitAndWait(activationFile, cfg, workDir, listener, cancel);
      return new SnmfResult(r.d(), r.k(), r.f(), r.g(), r.losses(), r.bestIteration(), r.relativeError(), () -> {
        r.close();
        StoreDirectory.deleteRecursively(workDir);
      });
    } catch (RuntimeException e) {
      StoreDirectory.deleteRecursively(workDir);
      throw e;
    }
  }

  private SnmfResult submitAndWait(Path activationFile, SnmfConfig cfg, Path workDir, SnmfProgressListener listener,
      CancellationSignal cancel) {
    Path sparkLog = workDir.resolve("spark.log");
    SparkAppHandle handle = launch(activationFile, cfg, workDir, sparkLog);
    log.info("Spark application submitted to {} for {} (K = {})", properties.master(), activationFile, cfg.k());
    ProgressRelay progress = new ProgressRelay(workDir.resolve("progress.tsv"), listener);
    boolean done = false;
    try {
      while (!handle.getState().isFinal()) {
        progress.relay();
        if (cancel.isCancelled()) {
          throw new SnmfCancelledException(progress.iterations());
        }
        sleep();
      }
      done = true;
    } finally {
      if (!done) {
        handle.kill();
        log.info("Spark application {} killed", handle.getAppId());
      }
    }
    progress.relay();
    boolean written = Files.exists(workDir.resolve(StoredResult.SUMMARY_FILE));
    if (handle.getState() != SparkAppHandle.State.FINISHED || !written) {
      throw new IllegalStateException("Spark application ended " + handle.getState() + ": " + tail(sparkLog));
    }
    return StoredResult.read(workDir, new Nd4jTensorOps(cfg.precision()));
  }

  private SparkAppHandle launch(Path activationFile, SnmfConfig cfg, Path workDir, Path sparkLog) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    SparkLauncher launcher = new SparkLauncher(env)
        .setSparkHome(properties.home().toAbsolutePath().toString())
        .setAppResource(properties.appJar().toAbsolutePath().toString())
        .setMainClass(MAIN_CLASS)
        .setMaster(properties.master())
        .setAppName("snmf")
        .setConf(SparkLauncher.DRIVER_MEMORY, properties.driverMemory())
        .setConf(SparkLauncher.EXECUTOR_MEMORY, properties.executorMemory())
        .redirectError()
        .redirectOutput(sparkLog.toFile());
    properties.conf().forEach(launcher::setConf);
    for (String arg : List.of(
        "input=" + activationFile.toAbsolutePath(),
        "output=" + workDir.toAbsolutePath(),
        "k=" + cfg.k(),
        "sparsity=" + cfg.sparsity(),
        "seed=" + cfg.seed(),
        "maxIterations=" + cfg.maxIterations(),
        "patience=" + cfg.patience(),
        "epsilon=" + cfg.epsilon(),
        "tolerance=" + cfg.tolerance(),
        "chunkColumns=" + cfg.chunkColumns(),
        "precision=" + cfg.precision(),
        "partitions=" + properties.partitions())) {
      launcher.addAppArgs(arg);
    }
    try {
      return launcher.startApplication();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start spark-submit in " + properties.home(), e);
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SnmfCancelledException(0);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Hands the iterations that the application appended to progress.tsv to the listener, each once. */
  private static final class ProgressRelay {
    private final Path file;
    private final SnmfProgressListener listener;
    private int seen;

    ProgressRelay(Path file, SnmfProgressListener listener) {
      this.file = file;
      this.listener = listener;
    }

    int iterations() {
      return seen;
    }

    void relay() {
      if (!Files.exists(file)) {
        return;
      }
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return; // being written; next poll
      }
      // only whole lines: the last one may still be being written
      String[] lines = text.substring(0, text.lastIndexOf('\n') + 1).split("\n");
      for (int i = seen; i < lines.length && !lines[i].isEmpty(); i++) {
        String[] parts = lines[i].split("\t");
        listener.onIteration(Integer.parseInt(parts[0]), Double.parseDouble(parts[1]));
        seen = i + 1;
      }
    }
  }
}
