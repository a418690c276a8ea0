-- Examples by activation quantile: bins of equal count (deciles) over each feature's active tokens instead of
-- equal-width intervals of its active range (FeatureStatistics, QuantileExamples). Each row now carries its bin's
-- share of the feature's active tokens and whether the bin's bounds and share are exact (false: estimated from a
-- uniform sample of the active tokens). Both NULL for factorizations interpreted before, whose bins are the old
-- equal-width intervals.
ALTER TABLE feature_example ADD COLUMN bin_fraction REAL;
ALTER TABLE feature_example ADD COLUMN bin_exact BOOLEAN;
