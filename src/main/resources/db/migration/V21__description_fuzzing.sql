-- The fuzzing score of a description (after EleutherAI delphi, docs/metrics.md): how well the judge, given the
-- description, tells texts whose marked tokens are the feature's activating ones from texts marked wrongly.
-- fuzzing holds the whole result (accuracy, balanced accuracy, confusion counts, failures, trials); null for
-- descriptions written before this column.
ALTER TABLE feature_description ADD COLUMN fuzzing_accuracy DOUBLE PRECISION;
ALTER TABLE feature_description ADD COLUMN fuzzing JSONB;
