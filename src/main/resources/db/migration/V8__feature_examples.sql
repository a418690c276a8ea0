-- Each context token's share of the decoded window text (tokens that hold part of one character are grouped: the
-- last token of a group carries the character, the others ''), so dashboards show real text, never mojibake.
-- NULL for factorizations interpreted before this column existed.
ALTER TABLE feature_top_input ADD COLUMN context_pieces TEXT[];

-- Tokens sampled from equal-width intervals of each feature's active range (bin 0 = weakest), stored like top
-- inputs: what medium and weak activations look like, not only the strongest.
CREATE TABLE feature_example (
    feature_id           BIGINT  NOT NULL REFERENCES feature (id) ON DELETE CASCADE,
    bin                  INTEGER NOT NULL,
    bin_low              REAL    NOT NULL,
    bin_high             REAL    NOT NULL,
    rank                 INTEGER NOT NULL,
    document             INTEGER NOT NULL,
    position             INTEGER NOT NULL,
    token_id             INTEGER NOT NULL,
    token_text           TEXT    NOT NULL,
    activation           REAL    NOT NULL,
    context_start        INTEGER NOT NULL,
    context_token_ids    INTEGER[] NOT NULL,
    context_tokens       TEXT[]  NOT NULL,
    context_activations  REAL[]  NOT NULL,
    context_text         TEXT    NOT NULL,
    context_pieces       TEXT[],
    PRIMARY KEY (feature_id, bin, rank)
);
