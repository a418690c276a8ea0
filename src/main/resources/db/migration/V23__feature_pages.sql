-- Whole list pages of the two common sizes (20, the API's default, and 50), prepared with the other reads of a
-- factorization (V19): such a page is one row where it was a range of 20 or 50 ranks joined to as many summaries,
-- which cost the list page more database time than any other read. The items are the summaries as a read sends
-- them, UTF-8, each with "description":null; description_at holds the byte offset of each item's null, where a read
-- puts the current description of that feature (descriptions change after the page is written).
CREATE TABLE feature_page (
    factorization_id BIGINT    NOT NULL REFERENCES factorization (id) ON DELETE CASCADE,
    level            INTEGER   NOT NULL,
    sort_key         TEXT      NOT NULL,
    descending       BOOLEAN   NOT NULL,
    size             INTEGER   NOT NULL,
    page             INTEGER   NOT NULL,
    feature_ids      BIGINT[]  NOT NULL,
    description_at   INTEGER[] NOT NULL,
    items            BYTEA     NOT NULL,
    PRIMARY KEY (factorization_id, level, sort_key, descending, size, page)
);
-- read whole on every request: out of line when large, but not compressed
ALTER TABLE feature_page ALTER COLUMN items SET STORAGE EXTERNAL;

-- The pages of a factorization whose ranks (V16) and summaries (V19) are stored. PreparedReadWriter calls it in the
-- transaction that prepares the reads. 6 = octet_length('null},'): an item's null starts 6 bytes before the next
-- item's start, less the item's own summary.
CREATE FUNCTION store_feature_pages(factorization BIGINT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO feature_page (factorization_id, level, sort_key, descending, size, page, feature_ids, description_at,
                            items)
  SELECT factorization_id, level, sort_key, descending, size, page,
         array_agg(feature_id ORDER BY rank),
         array_agg(ends - 6 ORDER BY rank),
         convert_to(string_agg(summary || 'null}', ',' ORDER BY rank), 'UTF8')
  FROM (SELECT r.factorization_id, r.level, r.sort_key, r.descending, s.size, r.rank / s.size AS page, r.rank,
               r.feature_id, p.summary,
               sum(octet_length(convert_to(p.summary, 'UTF8')) + 6)
                   OVER (PARTITION BY r.level, r.sort_key, r.descending, s.size, r.rank / s.size ORDER BY r.rank)
                   AS ends
        FROM feature_rank r JOIN feature_read p ON p.feature_id = r.feature_id
             CROSS JOIN (VALUES (20), (50)) AS s (size)
        WHERE r.factorization_id = factorization) ranked
  GROUP BY factorization_id, level, sort_key, descending, size, page;
$$;

SELECT store_feature_pages(id) FROM factorization WHERE reads_prepared;
