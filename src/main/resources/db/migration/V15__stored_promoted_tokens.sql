-- Feature summaries (the feature list, search, links) show each feature's first five promoted tokens. They were
-- aggregated from feature_vocab for every summary on every read: a correlated subquery per row, the larger part of a
-- list page's database time. FactorizationWriter now stores them on the feature row, with the vocabulary, in the
-- same transaction and with the same aggregate as this backfill.
ALTER TABLE feature ADD COLUMN promoted_tokens text[] NOT NULL DEFAULT '{}';

UPDATE feature f SET promoted_tokens = p.tokens
FROM (SELECT feature_id, array_agg(token_text ORDER BY rank) AS tokens FROM feature_vocab
      WHERE sign = 1 AND rank < 5 GROUP BY feature_id) p
WHERE p.feature_id = f.id;
