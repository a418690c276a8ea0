package io.snmfservice.snmf;

/** Element type of the large tensors (A chunks, G); small K×K and d×K work is always double. */
public enum SnmfPrecision {
  FLOAT32,
  FLOAT64
}
