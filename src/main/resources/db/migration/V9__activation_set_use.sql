-- When an activation set was last reused by a job: retention removes sets unused for a configured time.
ALTER TABLE activation_set ADD COLUMN last_used_at TIMESTAMPTZ;
