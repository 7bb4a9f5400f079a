-- mart_ingest_log: what each build read, file by file.
-- Answers: which files were ingested, with which outcome and how their records reconcile
--          (read = loaded + rejected + duplicates + out of region).
-- Grain: one row per ingest_log row, newest first.
-- Columns: the ingest_log columns + reconciles (boolean).
select
    *,
    coalesce(n_read, 0) = coalesce(n_loaded, 0) + coalesce(n_rejected, 0) + coalesce(n_duplicates, 0)
        + coalesce(n_out_of_region, 0) as reconciles
from ingest_log
order by started_at desc nulls last, source_file
