-- Feature list pages by stored rank. A page's ids came from an index-only scan that first walked past OFFSET
-- entries (5,000 on average in a factorization of 10,000 features): most of a list page's database time. A feature's
-- statistics never change once written, so its position in every order the list offers is stored with it, and a
-- page is a range of ranks: as many index entries as rows, at any depth. Ties are broken by index in both
-- directions, as the list has always done.
CREATE TABLE feature_rank (
    factorization_id BIGINT  NOT NULL REFERENCES factorization (id) ON DELETE CASCADE,
    level            INTEGER NOT NULL,
    sort_key         TEXT    NOT NULL CHECK (sort_key IN ('index', 'frequency', 'maxActivation', 'meanActivation')),
    descending       BOOLEAN NOT NULL,
    rank             INTEGER NOT NULL,
    -- no foreign key: features are deleted only with their factorization, which deletes these rows too
    feature_id       BIGINT  NOT NULL,
    PRIMARY KEY (factorization_id, level, sort_key, descending, rank)
);

-- Ranks (from 0) of every feature of a factorization, per level, in the list's eight orders. FactorizationWriter
-- calls it in the transaction that writes the features.
CREATE FUNCTION store_feature_ranks(factorization BIGINT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO feature_rank (factorization_id, level, sort_key, descending, rank, feature_id)
  SELECT f.factorization_id, f.level, k.sort_key, k.descending,
         row_number() OVER (PARTITION BY f.level, k.sort_key, k.descending
                            ORDER BY k.ascending_value, k.descending_value DESC, f.index) - 1,
         f.id
  FROM feature f CROSS JOIN LATERAL (VALUES
      ('index', false, f.index::float8, NULL::float8), ('index', true, NULL, f.index::float8),
      ('frequency', false, f.frequency, NULL), ('frequency', true, NULL, f.frequency),
      ('maxActivation', false, f.max_activation, NULL), ('maxActivation', true, NULL, f.max_activation),
      ('meanActivation', false, f.mean_activation, NULL), ('meanActivation', true, NULL, f.mean_activation)
    ) AS k (sort_key, descending, ascending_value, descending_value)
  WHERE f.factorization_id = factorization;
$$;

SELECT store_feature_ranks(id) FROM factorization;

-- The list's page indexes of V14, read by nothing else now (the unique (factorization_id, level, index) stays).
DROP INDEX feature_frequency_page_idx;
DROP INDEX feature_max_page_idx;
DROP INDEX feature_mean_page_idx;
DROP INDEX feature_index_page_idx;
