-- Feature list pages (FeatureQueries.features): the page's ids come in sort order, ties broken by index, from
-- index-only scans, so a deep page (OFFSET) walks index entries instead of fetching every skipped feature row.
-- Activation statistics are kept descending, the order the dashboard and most readers ask for (ascending pages scan
-- the same index backwards and re-sort runs of equal values). They replace the sort indexes of V3 and V11.
DROP INDEX feature_sort_idx;
DROP INDEX feature_max_sort_idx;
DROP INDEX feature_mean_sort_idx;
CREATE INDEX feature_frequency_page_idx ON feature (factorization_id, level, frequency DESC, index) INCLUDE (id);
CREATE INDEX feature_max_page_idx ON feature (factorization_id, level, max_activation DESC, index) INCLUDE (id);
CREATE INDEX feature_mean_page_idx ON feature (factorization_id, level, mean_activation DESC, index) INCLUDE (id);
CREATE INDEX feature_index_page_idx ON feature (factorization_id, level, index) INCLUDE (id);

-- Search scores each candidate by its top inputs' activations and token texts: read from this index alone, not
-- from the wide rows (contexts, arrays) of the table.
CREATE INDEX feature_top_input_score_idx ON feature_top_input (feature_id) INCLUDE (activation, token_text);

-- Search by promoted token: the planner ignores the statistics of partial indexes such as
-- feature_vocab_promoted_text_idx and guessed 25x too many candidates, enough to hash-join them against every
-- feature of the factorization; statistics on the expression give it the real count.
CREATE STATISTICS feature_vocab_text_stats ON (lower(btrim(token_text))) FROM feature_vocab;
ANALYZE feature_vocab;

-- Every replica caches recently checked API keys (security/KeyCache) and forgets a key as soon as this channel
-- names it: when it is revoked, its expiry or role changes, or it is deleted, by the API or by hand. The
-- notification is sent when the change commits. last_used_at updates do not notify.
CREATE FUNCTION notify_api_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('api_key_changed', OLD.id::text);
  RETURN NULL;
END;
$$;
CREATE TRIGGER api_key_changed AFTER UPDATE OF revoked_at, expires_at, role, key_hash OR DELETE ON api_key
  FOR EACH ROW EXECUTE FUNCTION notify_api_key_changed();
