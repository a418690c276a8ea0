package io.snmfservice.sparkapp;

import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfIterations;
import java.util.Collections;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Step 4 of SNMF on Spark: each partition's A stays cached on its executor; the G of each of the engine's three
 * slots is an RDD of {@link PartitionG}, kept (locally checkpointed, so lineage does not grow with the iterations)
 * until the slot is overwritten. One pass = broadcast F, FᵀF and the G scale, zip A with the slot's G, run
 * ChunkStep per chunk, tree-aggregate the d×K and K×K sums back to the driver.
 */
final class SparkPass implements SnmfIterations.Pass {

  private final JavaSparkContext sc;
  private final SnmfConfig cfg;
  private final int d;
  private final JavaRDD<PartitionA> a;
  @SuppressWarnings("unchecked")
  private final JavaRDD<PartitionG>[] slots = new JavaRDD[SnmfIterations.SLOTS];
  private final int depth;

  SparkPass(JavaSparkContext sc, ColumnShards shards, SnmfConfig cfg) {
    this.sc = sc;
    this.cfg = cfg;
    this.d = shards.d();
    int count = shards.count();
    int chunk = (int) Math.min(cfg.chunkColumns(), shards.n());
    int dim = d;
    this.a = sc.parallelize(IntStream.range(0, count).boxed().toList(), count)
        .map(p -> PartitionA.read(shards.shard(p), dim, chunk))
        .persist(StorageLevel.MEMORY_AND_DISK());
    this.depth = Math.max(2, (int) Math.ceil(Math.log(count) / Math.log(8)));
  }

  /** Reads A, draws G₀ into slot 0 and returns its sums together with ‖A‖². */
  PartialSums initial() {
    long seed = cfg.seed();
    int k = cfg.k();
    var precision = cfg.precision();
    JavaRDD<PartitionG> g0 = a.map(p -> PartitionG.initial(p, seed, k, precision));
    return materialize(g0, 0);
  }

  @Override
  public SnmfIterations.Sums update(double[] f, double[] ftf, double[] gScale, int from, int to) {
    Broadcast<FactorBroadcast> b = sc.broadcast(new FactorBroadcast(f, ftf, gScale, d, cfg.k(), cfg.epsilon(),
        cfg.precision()));
    JavaRDD<PartitionG> next = a.zipPartitions(slots[from],
        (ai, gi) -> Collections.singletonList(gi.next().update(ai.next(), b.value())).iterator());
    PartialSums sums = materialize(next, to);
    b.unpersist(false);
    return new SnmfIterations.Sums(sums.m, sums.s);
  }

  /** The G of a slot (the best one once the iterations end). */
  JavaRDD<PartitionG> slot(int s) {
    return slots[s];
  }

  private PartialSums materialize(JavaRDD<PartitionG> g, int slot) {
    g.rdd().localCheckpoint();
    int k = cfg.k();
    int dim = d;
    PartialSums sums = g.treeAggregate(new PartialSums(dim, k), PartialSums::add, PartialSums::merge, depth);
    if (slots[slot] != null) {
      slots[slot].unpersist(false);
    }
    slots[slot] = g;
    return sums;
  }
}
