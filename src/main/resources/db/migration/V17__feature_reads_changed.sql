-- API replicas cache the answers of the feature reads (FeatureResponseCache). A factorization's features are
-- written once, with it; after that only descriptions come and go, and the whole factorization may be deleted. Any
-- statement that changes one of these tables notifies every replica, which then empties its cache. Statement-level
-- triggers without a payload: PostgreSQL folds identical notifications of one transaction into one, so writing a
-- factorization of many rows, or deleting one, sends a single notification at commit.
CREATE FUNCTION notify_feature_reads_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('feature_reads_changed', '');
  RETURN NULL;
END
$$;

DO $$
DECLARE
  t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['factorization', 'feature', 'feature_top_input', 'feature_example', 'feature_vocab',
                           'feature_link', 'feature_rank', 'feature_description'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION notify_feature_reads_changed()', t || '_reads_changed', t);
  END LOOP;
END
$$;
