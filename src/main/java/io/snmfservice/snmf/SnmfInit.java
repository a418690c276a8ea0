package io.snmfservice.snmf;

/** Initialisation of G (Ding, Li &amp; Jordan 2010); F is always recomputed from G first. */
public enum SnmfInit {
  /** G ~ U(0,1), clamped at 1e-6. */
  RANDOM,
  /** Truncated SVD A ≈ UΣVᵀ: G = V_K √Σ_K, clamped at ε. */
  SVD,
  /** 15 Lloyd iterations on the columns of A: G = one-hot assignments, clamped at ε. */
  KMEANS
}
