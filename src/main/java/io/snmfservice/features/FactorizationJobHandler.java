package io.snmfservice.features;

import io.snmfservice.activations.ActivationSet;
import io.snmfservice.activations.ActivationSetService;
import io.snmfservice.activations.HookName;
import io.snmfservice.activations.ShardedCollection;
import io.snmfservice.activations.TokenIndex;
import io.snmfservice.activations.store.ActivationFileReader;
import io.snmfservice.activations.store.StoreDirectory;
import io.snmfservice.compute.ComputeBudget;
import io.snmfservice.compute.ComputeDevice;
import io.snmfservice.compute.ComputeProperties;
import io.snmfservice.config.SnmfProperties;
import io.snmfservice.jobs.JobCancelledException;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.jobs.PipelineMetrics;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.snmf.ActivationSource;
import io.snmfservice.snmf.FineTune;
import io.snmfservice.snmf.HierarchicalSnmf;
import io.snmfservice.snmf.HierarchyResult;
import io.snmfservice.snmf.SnmfCheckpoints;
import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfEngine;
import io.snmfservice.snmf.SnmfInit;
import io.snmfservice.snmf.SnmfPrecision;
import io.snmfservice.snmf.SnmfValidationException;
import io.snmfservice.spark.SparkSnmf;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job type {@code factorize}: tokenize → collect (or reuse recorded activations) → factorize (SNMF, optionally
 * hierarchical) → interpret (statistics, top inputs with context, vocabulary projection, links) → store, all
 * results in one transaction with the job's completion.
 */
@Component
class FactorizationJobHandler implements JobHandler {

  static final String TYPE = "factorize";
  /** Progress when the collect stage is done. */
  static final double COLLECTED = 0.30;
  /** Largest token-coefficient matrix G kept in native memory during a factorization. */
  static final long G_IN_MEMORY_BYTES = 1L << 30;
  private static final Logger log = LoggerFactory.getLogger(FactorizationJobHandler.class);

  private final ModelRuntime runtime;
  private final ActivationSetService activations;
  private final ShardedCollection sharded;
  private final FactorizationWriter writer;
  private final JsonMapper json;
  private final Path store;
  private final PipelineMetrics metrics;
  private final ComputeDevice compute;
  private final ComputeProperties.Factorization settings;
  private final ComputeBudget budget;
  private final SparkSnmf spark;

  FactorizationJobHandler(ModelRuntime runtime, ActivationSetService activations, ShardedCollection sharded,
      FactorizationWriter writer, JsonMapper json, SnmfProperties properties, PipelineMetrics metrics,
      ComputeDevice compute, ComputeProperties computeProperties, ComputeBudget budget, SparkSnmf spark) {
    this.sharded = sharded;
    this.spark = spark;
    this.metrics = metrics;
    this.budget = budget;
    this.compute = compute;
    this.settings = computeProperties.factorization();
    this.runtime = runtime;
    this.activations = activations;
    this.writer = writer;
    this.json = json;
    this.store = properties.dataDir().resolve("factorizations");
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobResult run(JobContext job) {
    FactorizationSettings s = FactorizationSettings.fromJson(json, job.params());
    try (ModelRuntime.Lease lease = runtime.acquireFor(job, s.modelId(), 0.02)) {
      LoadedModel model = lease.get();
      long t0 = System.nanoTime();
      // a sharded collect stage ran as child jobs before this one: only their assembly is left
      ActivationSetService.Prepared prepared = job.children().isEmpty()
          ? activations.prepare(job, model, s.datasetId(), List.of(s.layer()), s.hook(), s.contextLength(),
              s.batchSize(), 0.02, COLLECTED)
          : sharded.assemble(job, s.modelId(), s.datasetId(), List.of(s.layer()), s.hook(), s.contextLength(),
              COLLECTED);
      ActivationSet set = prepared.forLayer(s.layer());
      double collectSeconds = seconds(t0);
      if (s.k() > set.getNTokens() || s.k() > set.getD()) {
        throw new JobFailedException("k = " + s.k() + " is larger than the activation matrix allows (d = "
            + set.getD() + ", tokens = " + set.getNTokens() + ")");
      }

      long t1 = System.nanoTime();
      IterationState state = new IterationState(store.resolve("job-" + job.jobId() + "-state"));
      HierarchyResult factors;
      try {
        factors = factorize(job, s, set, state);
      } catch (JobFailedException | JobCancelledException e) {
        state.delete(); // no later attempt will resume
        throw e;
      }
      double factorizeSeconds = seconds(t1);
      try {
        long t2 = System.nanoTime();
        job.report("interpret", 0.85, "statistics and top inputs");
        TokenIndex index = TokenIndex.read(Path.of(set.getIndexPath()));
        Interpretation interpretation = new Interpreter(model, s, index, job).interpret(factors);
        job.report("interpret", 0.95, "writing factor files");
        Path dir = FactorFiles.write(store.resolve("job-" + job.jobId()), factors, index);
        double interpretSeconds = seconds(t2);
        job.report("store", 0.97);
        Timings timings = new Timings(collectSeconds, factorizeSeconds, interpretSeconds);
        log.info("Factorized layer {} of model {} (K = {}): relative error {}, {} iterations in {} s",
            s.layer(), s.modelId(), s.k(), String.format(Locale.ROOT, "%.4f", factors.tokens().relativeError()),
            factors.tokens().iterations(), Math.round(factorizeSeconds));
        return new JobResult(() -> {
          var summary = writer.write(job.jobId(), s, prepared, set, factors, interpretation, timings, dir);
          state.delete(); // the results are in this transaction; a rollback only costs a fresh start
          return summary;
        });
      } finally {
        factors.close();
      }
    }
  }

  private HierarchyResult factorize(JobContext job, FactorizationSettings s, ActivationSet set, IterationState state) {
    // G (n × K) stays in memory up to G_IN_MEMORY_BYTES; beyond that the engine keeps its chunks on disk
    Path spill = null;
    if ((double) set.getNTokens() * s.k() * Float.BYTES > G_IN_MEMORY_BYTES) {
      spill = store.resolve("job-" + job.jobId() + "-g");
      StoreDirectory.deleteRecursively(spill); // scratch of an attempt that was killed
    }
    // a resumed attempt must chunk A as the saved one did (the free memory may differ now)
    int chunkColumns = state.chunkColumns(() -> compute.snmfChunkColumns(set.getD(), s.k()));
    SnmfConfig config = new SnmfConfig(s.k(), s.sparsity(), SnmfInit.valueOf(s.init().toUpperCase(Locale.ROOT)),
        s.seed(), s.maxIterations(), s.patience(), SnmfConfig.DEFAULT_EPSILON, SnmfConfig.DEFAULT_TOLERANCE,
        chunkColumns, SnmfPrecision.FLOAT32, spill);
    int[] ks = s.levels().stream().mapToInt(Integer::intValue).toArray();
    job.report("factorize", 0.30, "starting SNMF with K = " + s.k());
    long[] last = {System.nanoTime()};
    boolean[] first = {true};
    Path matrix = Path.of(set.getMatrixPath());
    SnmfEngine engine = compute.snmfEngine();
    SnmfCheckpoints checkpoints = state.checkpoints(settings.checkpointIterations(), settings.checkpointInterval());
    // level 1 saves checkpoints in this process; the later levels factor F (d×K) and are quick
    HierarchicalSnmf hierarchy = new HierarchicalSnmf(engine,
        (a, cfg, listener, cancel) -> engine.factorize(a, cfg, listener, cancel, checkpoints));
    if (spark.enabled() && spark.supports(config)) {
      // level 1 on Spark (no checkpoints there: a new attempt submits the application again)
      hierarchy = new HierarchicalSnmf(engine, spark.forFile(matrix, store.resolve("job-" + job.jobId() + "-spark")));
    } else if (spark.enabled()) {
      log.info("Factorization of job {} runs in this process: the Spark path supports init random only, not {}",
          job.jobId(), s.init());
    }
    try (ComputeBudget.Permit permit = budget.acquire(job::checkpoint, m -> job.report("factorize", 0.30, m));
        ActivationFileReader reader = ActivationFileReader.open(matrix)) {
      return hierarchy.factorize(ActivationSource.of(reader), ks, config,
          s.fineTune() ? FineTune.OFFICIAL : null,
          (iteration, loss) -> {
            if (first[0] && iteration > 1) {
              log.info("Job {} resumed its factorization from the checkpoint of iteration {}", job.jobId(),
                  iteration - 1);
            }
            first[0] = false;
            long now = System.nanoTime();
            metrics.iteration(Duration.ofNanos(now - last[0]), loss);
            last[0] = now;
            job.report("factorize", 0.30 + 0.55 * iteration / s.maxIterations(),
                String.format(Locale.ROOT, "iteration %d/%d, loss %.6g", iteration, s.maxIterations(), loss));
          },
          () -> {
            job.checkpoint();
            return false;
          });
    } catch (SnmfValidationException e) {
      throw new JobFailedException(e.getMessage());
    } finally {
      if (spill != null) {
        StoreDirectory.deleteRecursively(spill);
      }
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** Wall time of each stage, stored with the factorization. */
  record Timings(double collectSeconds, double factorizeSeconds, double interpretSeconds) {}
}
