-- A job may wait for child jobs (e.g. the shards of a collection): it is claimed once none of them is queued or
-- running, so no worker thread blocks while they run.
ALTER TABLE job ADD COLUMN parent_id BIGINT REFERENCES job (id) ON DELETE CASCADE;
-- the part of a parent's progress its children make up, for its view while it waits for them
ALTER TABLE job ADD COLUMN children_share DOUBLE PRECISION CHECK (children_share > 0 AND children_share <= 1);
CREATE INDEX job_parent_idx ON job (parent_id) WHERE parent_id IS NOT NULL;

-- Live worker pools, each renewing its row with its heartbeat; a row past expires_at is a pool that stopped.
CREATE TABLE worker (
    owner       TEXT        PRIMARY KEY,
    threads     INTEGER     NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
