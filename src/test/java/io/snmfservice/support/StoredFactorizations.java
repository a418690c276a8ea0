package io.snmfservice.support;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Factorization rows written with SQL, with the model, dataset and activation set they point to, for tests and
 * benchmarks of the read path that plant their own features (no model runs, no factor files).
 */
public final class StoredFactorizations {

  private StoredFactorizations() {}

  /** A factorization of width {@code d} with these K per level; returns its id. */
  public static long insert(JdbcClient jdbc, int d, int... levels) {
    String name = "planted-" + System.nanoTime();
    long model = jdbc.sql("INSERT INTO model (name, source, hf_repo_id, hf_revision) VALUES (?, 'HF_HUB',"
        + " 'org/planted', 'main') RETURNING id").param(name).query(Long.class).single();
    long dataset = jdbc.sql("INSERT INTO dataset (name, kind, document_count) VALUES (?, 'TEXT', 1000)"
        + " RETURNING id").param(name).query(Long.class).single();
    long set = jdbc.sql("INSERT INTO activation_set (model_id, dataset_id, layer, hook, context_length, d, n_tokens,"
        + " dtype, matrix_path, index_path) VALUES (?, ?, 0, 'mlp.hook_post', 32, ?, 100000, 'float32', '/x', '/y')"
        + " RETURNING id").params(model, dataset, d).query(Long.class).single();
    Integer[] ks = java.util.Arrays.stream(levels).boxed().toArray(Integer[]::new);
    return jdbc.sql("INSERT INTO factorization (model_id, dataset_id, activation_set_id, layer, hook, settings,"
        + " levels, d, n_tokens, iterations, best_iteration, loss_curve, relative_error, timings, factor_dir)"
        + " VALUES (?, ?, ?, 0, 'mlp.hook_post', '{}', ?, ?, 100000, 1, 1, '{1.0}', 0.5, '{}', '/nonexistent')"
        + " RETURNING id").params(model, dataset, set, ks, d).query(Long.class).single();
  }
}
