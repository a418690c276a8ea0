package io.snmfservice.sparkapp;

import org.apache.spark.TaskContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An executor runs as many tasks at once as it has cores; each task's BLAS and ND4J calls get spark.task.cpus
 * threads instead of all cores, which oversubscribed the cores (local[2] on two cores ran 3.5× slower per iteration
 * than local[1], see docs/benchmarks.md).
 */
final class TaskThreads {

  private static volatile int applied;

  private TaskThreads() {}

  static void limit() {
    TaskContext task = TaskContext.get();
    int cpus = task == null ? 1 : Math.max(1, task.cpus());
    if (applied != cpus) {
      Nd4j.factory().blas().setMaxThreads(cpus);
      Nd4j.getEnvironment().setMaxThreads(cpus);
      applied = cpus;
    }
  }
}
