-- mart_rejects_by_reason: rejected records and fields, grouped by reason, with examples.
-- Answers: why records were quarantined, how many per file and field, and what they looked like.
-- Grain: one row per source_file x field x reason.
-- Columns: source_file, field, reason, n_rejects, examples (up to 3 raw values, list),
--          first_record_no.
select
    source_file,
    field,
    reason,
    count(*) as n_rejects,
    list(raw order by record_no)[1:3] as examples,
    min(record_no) as first_record_no
from rejects
group by all
order by n_rejects desc, source_file, field, reason
