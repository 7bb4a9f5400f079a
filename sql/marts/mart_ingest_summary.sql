-- mart_ingest_summary: what the build read, per kind of file, and for all files.
-- Answers: how many files of each kind (DECP, clause execution, buyers register, targets) were
--          ingested, how many records they held and how those reconcile; the totals of the log.
-- Grain: one row per `kind` of mart_ingest_log (null kind: its own row) + one total row (is_total).
-- Columns: kind (null on the total row), is_total, sort_key (kinds by name, total row last),
--          n_files (files with a name), n_read, n_loaded, n_rejected, n_duplicates, n_out_of_region
--          (sums, 0 when no file gives one), last_finished_at (the latest end of a load).
with source as (
    select * from mart_ingest_log
),

grouped as (
    select
        kind,
        grouping(kind) = 1 as is_total,
        count(source_file) as n_files,
        coalesce(sum(n_read), 0) as n_read,
        coalesce(sum(n_loaded), 0) as n_loaded,
        coalesce(sum(n_rejected), 0) as n_rejected,
        coalesce(sum(n_duplicates), 0) as n_duplicates,
        coalesce(sum(n_out_of_region), 0) as n_out_of_region,
        max(finished_at) as last_finished_at
    from source
    group by grouping sets ((kind), ())
)

select
    kind,
    is_total,
    row_number() over (order by is_total, kind nulls last) as sort_key,
    n_files,
    n_read,
    n_loaded,
    n_rejected,
    n_duplicates,
    n_out_of_region,
    last_finished_at
from grouped
order by sort_key
