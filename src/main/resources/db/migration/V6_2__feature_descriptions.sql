-- A short natural-language description per feature, written by the explain job through the LLM judge endpoint,
-- with its detection score: how well the judge, given only the description, tells the feature's held-out
-- activating contexts from non-activating ones.
CREATE TABLE feature_description (
    feature_id           BIGINT PRIMARY KEY REFERENCES feature (id) ON DELETE CASCADE,
    job_id               BIGINT REFERENCES job (id) ON DELETE SET NULL,
    description          TEXT    NOT NULL,
    detection_accuracy   DOUBLE PRECISION,
    detection_trials     INTEGER NOT NULL,
    detection_failures   INTEGER NOT NULL,
    trials               JSONB   NOT NULL,
    judge_model          TEXT,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX feature_description_text_idx ON feature_description (lower(description));
