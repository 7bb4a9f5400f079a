-- mart_rejects_by_reason: rejected records and fields, grouped by reason, with examples.
-- Answers: why records were quarantined, how many per file and field, which records to fix, and
--          what the values read looked like where they are not about a person.
-- Grain: one row per source_file x field x reason.
-- Columns: source_file, field, reason, n_rejects, examples (up to 3 raw values, list; never for a
--          clause-execution file's record rejects without a field nor for its fields about the person:
--          the `reject_field` codes flagged `personal` in stg_codes, as pipelines/clauses/privacy.py PERSONAL_FIELDS), first_record_no,
--          record_nos (the first 10 record numbers, list).
with source as (
    select * from rejects
),

files as (
    -- a file absent from the log counts as a clause-execution file (nothing shown by default)
    select source_file, bool_or(kind = 'clauses') as is_people_file
    from ingest_log
    group by source_file
),

shown as (
    select
        r.*,
        case
            when coalesce(f.is_people_file, true)
                 and (r.field is null or r.field in (
                    select code from stg_codes where domain = 'reject_field' and is_personal))
                then null
            else r.raw
        end as shown_raw
    from source as r
    left join files as f using (source_file)
)

select
    source_file,
    field,
    reason,
    count(*) as n_rejects,
    coalesce(list(shown_raw order by record_no) filter (where shown_raw is not null), [])[1:3] as examples,
    min(record_no) as first_record_no,
    list(record_no order by record_no)[1:10] as record_nos
from shown
group by source_file, field, reason
order by n_rejects desc, source_file, field, reason
