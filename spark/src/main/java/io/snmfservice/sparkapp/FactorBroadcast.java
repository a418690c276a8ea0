package io.snmfservice.sparkapp;

import io.snmfservice.snmf.SnmfPrecision;
import java.io.Serializable;

/** What the driver broadcasts each iteration: F (d×K), FᵀF (K×K) and the pending column scale of G. */
record FactorBroadcast(double[] f, double[] ftf, double[] scale, int d, int k, double epsilon,
    SnmfPrecision precision) implements Serializable {}
