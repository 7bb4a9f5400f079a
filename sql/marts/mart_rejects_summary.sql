-- mart_rejects_summary: rejected records and fields per reason, whatever the file and the field.
-- Answers: how many rejects in all, and which reason is the most frequent.
-- Grain: one row per `reason` of mart_rejects_by_reason + one total row (is_total).
-- Columns: reason (null on the total row), is_total, n_rejects, rank (1 = the most frequent reason;
--          ties by reason; null on the total row), sort_key (by rank, total row last).
with source as (
    select * from mart_rejects_by_reason
),

grouped as (
    select
        reason,
        grouping(reason) = 1 as is_total,
        sum(n_rejects) as n_rejects
    from source
    group by grouping sets ((reason), ())
),

ranked as (
    select
        *,
        case when not is_total
            then row_number() over (partition by is_total order by n_rejects desc, reason nulls last)
        end as rank
    from grouped
)

select
    reason,
    is_total,
    n_rejects,
    rank,
    row_number() over (order by is_total, rank) as sort_key
from ranked
order by sort_key
