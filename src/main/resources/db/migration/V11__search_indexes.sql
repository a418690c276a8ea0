-- Feature search by token looks tokens up by their trimmed, lower-cased text (see FeatureQueries.search).
CREATE INDEX feature_top_input_text_idx ON feature_top_input (lower(btrim(token_text)));
CREATE INDEX feature_vocab_promoted_text_idx ON feature_vocab (lower(btrim(token_text))) WHERE sign = 1;
-- The feature list sorts by frequency (V3's feature_sort_idx), max or mean activation, or index, within a level.
CREATE INDEX feature_max_sort_idx ON feature (factorization_id, level, max_activation);
CREATE INDEX feature_mean_sort_idx ON feature (factorization_id, level, mean_activation);
