-- Cold reads from representations prepared at write time. A factorization never changes once written (only
-- descriptions come and go, and the whole may be deleted), so PreparedReads stores, in the transaction that writes
-- its features, each feature's answers as the JSON the API sends: top inputs, examples and the vocabulary projection
-- whole; the detail and the list summary up to their description fields, which a read appends from
-- feature_description (so a description written or changed is served at once, with no stored copy to update). A
-- first read of a feature is then one lookup by primary key, and a list page a range of ranks joined to these rows.
CREATE TABLE feature_read (
    feature_id  BIGINT PRIMARY KEY REFERENCES feature (id) ON DELETE CASCADE,
    summary     TEXT NOT NULL,  -- FeatureSummary JSON up to and including "description":
    detail      TEXT NOT NULL,  -- FeatureDetail JSON up to and including "description":
    top_inputs  TEXT NOT NULL,
    examples    TEXT NOT NULL,
    vocab       TEXT NOT NULL
);

-- Search by token alone, prepared: every (feature, token) pair with a positive score, scored by the expression of
-- FeatureQueries.SearchSql (the share of the feature's top-activation mass on top inputs of that token, plus 0.5
-- when the token is promoted), so a page is a range of this index in the search's order. Searches by text
-- (contexts, descriptions) stay on the query path.
CREATE TABLE feature_token_score (
    factorization_id BIGINT  NOT NULL REFERENCES factorization (id) ON DELETE CASCADE,
    token            TEXT    NOT NULL,  -- lower(btrim(token_text))
    score            FLOAT8  NOT NULL,
    level            INTEGER NOT NULL,
    index            INTEGER NOT NULL,
    feature_id       BIGINT  NOT NULL   -- no foreign key: deleted with the factorization, like feature_rank
);
CREATE UNIQUE INDEX feature_token_score_page_idx
    ON feature_token_score (factorization_id, token, score DESC, level, index) INCLUDE (feature_id);

-- Set in the same transaction as the rows above: reads of a factorization without them (written before this
-- migration, or planted with SQL) take the query path.
ALTER TABLE factorization ADD COLUMN reads_prepared BOOLEAN NOT NULL DEFAULT false;

-- The response cache hears of changes to these tables too (V17).
CREATE TRIGGER feature_read_reads_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON feature_read
  FOR EACH STATEMENT EXECUTE FUNCTION notify_feature_reads_changed();
CREATE TRIGGER feature_token_score_reads_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON feature_token_score
  FOR EACH STATEMENT EXECUTE FUNCTION notify_feature_reads_changed();
