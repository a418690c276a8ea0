-- The key that created each vector set, comparison and feature description (see V5 for the other resources).
ALTER TABLE vector_set ADD COLUMN created_by BIGINT REFERENCES api_key (id);
ALTER TABLE comparison ADD COLUMN created_by BIGINT REFERENCES api_key (id);
ALTER TABLE feature_description ADD COLUMN created_by BIGINT REFERENCES api_key (id);
CREATE TRIGGER comparison_owner BEFORE INSERT ON comparison
    FOR EACH ROW EXECUTE FUNCTION owner_from_job();
CREATE TRIGGER feature_description_owner BEFORE INSERT ON feature_description
    FOR EACH ROW EXECUTE FUNCTION owner_from_job();
