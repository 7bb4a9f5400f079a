-- stg_targets: targets given in the targets file (e.g. 100 000 hours over a programme).
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: which total of insertion hours a buyer or an operation aims at, over which period.
-- Grain: one row per `targets` row (target_no is its position).
-- Columns: target_no, scope_type (operation | buyer), scope_id, label, target_hours,
--          period_start, period_end.
select
    row_number() over (order by scope_type, scope_id, period_start, label) as target_no,
    scope_type,
    scope_id,
    label,
    target_hours,
    period_start,
    period_end
from targets
