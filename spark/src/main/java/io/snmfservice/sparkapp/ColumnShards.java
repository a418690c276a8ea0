package io.snmfservice.sparkapp;

import java.io.Serializable;

/**
 * How A (d×n) is split into partitions by column (token) ranges: one activation file cut into ranges today; a
 * manifest of several shard files fits the same shape later. Every partition but the last holds a whole number of
 * the engine's chunks, so the global chunk layout — and with it the stored G file — is the engine's.
 */
interface ColumnShards extends Serializable {

  int d();

  long n();

  int count();

  ColumnShard shard(int partition);
}
