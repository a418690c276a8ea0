-- Comparisons gain SAEBench-style measures: per cell sparse probing (k = 1, 2, 5, all) and equal-budget curves,
-- per comparison the raw-activation probing reference of each hook and concept and each method's core metrics.
ALTER TABLE comparison_cell ADD COLUMN probing JSONB, ADD COLUMN budgets JSONB;
ALTER TABLE comparison ADD COLUMN reference JSONB, ADD COLUMN core_metrics JSONB;
