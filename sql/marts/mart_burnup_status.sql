-- mart_burnup_status: is a landlord or an operation on track for its hours objective?
-- Answers: from mart_burnup, the objective, the hours at the last published point (anchor), the
--          recent pace (window_start to window_end, hours per month), the month the objective
--          would be reached at that pace, the deadline (the target's period end) and track_status:
--          reached (the anchor reaches the objective), ahead (reached at least ahead_months before
--          the deadline month), on_time (by the deadline month), late (after it, or no pace),
--          no_deadline (planned hours: no end date), masked (the series is masked), no_objective.
-- Grain: one row when mart_burnup has rows, else none.
-- Parameters: landlord, operation, as_of, window_months (default 6), ahead_months (default 6).
-- Columns: scope_type, scope_id, objective_hours, objective_source, objective_label, period_start,
--          period_end, is_masked, anchor_month, anchor_hours, progress_rate, window_start,
--          window_end, window_months_used, hours_per_month, reach_month, months_late (reach month
--          - deadline month, negative when ahead), track_status.
create or replace macro mart_burnup_status(
    landlord := null, operation := null, as_of := null, window_months := 6, ahead_months := 6
) as table
with b as (
    select * from mart_burnup(landlord := landlord, operation := operation, as_of := as_of,
                              window_months := window_months)
),

anchor as (
    select month, cumulative_hours from b where is_anchor
),

window_start as (
    -- the same rule as mart_burnup: the published point at least window_months before the anchor,
    -- else the month before the first month (0 h)
    select coalesce(
        max(b.month) filter (where b.is_point and b.month <= (select a.month - to_months(window_months) from anchor as a)),
        (select min(x.month) - interval 1 month from b as x where x.series = 'actual'))::date as month
    from b
),

pace as (
    select
        w.month as window_start,
        a.month as window_end,
        datediff('month', w.month, a.month) as window_months_used,
        (a.cumulative_hours - coalesce((select b.cumulative_hours from b where b.month = w.month and b.is_point), 0))
            / nullif(datediff('month', w.month, a.month), 0) as hours_per_month,
        a.cumulative_hours as anchor_hours,
        a.month as anchor_month
    from anchor as a, window_start as w
),

head as (
    select any_value(scope_type) as scope_type, any_value(scope_id) as scope_id,
           any_value(objective_hours) as objective_hours, any_value(objective_source) as objective_source,
           any_value(objective_label) as objective_label, any_value(period_start) as period_start,
           any_value(period_end) as period_end, bool_or(is_masked) as is_masked
    from b
    having count(*) > 0
),

assessed as (
    select
        h.*,
        p.anchor_month,
        p.anchor_hours,
        p.anchor_hours / nullif(h.objective_hours, 0) as progress_rate,
        p.window_start,
        p.window_end,
        p.window_months_used,
        p.hours_per_month,
        case when p.anchor_hours >= h.objective_hours then p.anchor_month
             when p.hours_per_month > 0
             then (p.anchor_month + to_months(ceil((h.objective_hours - p.anchor_hours) / p.hours_per_month)::int))::date
        end as reach_month
    from head as h
    left join pace as p on true
)

select
    s.*,
    datediff('month', date_trunc('month', s.period_end), s.reach_month) as months_late,
    case
        when s.is_masked then 'masked'
        when s.objective_source is null or not (s.objective_hours > 0) then 'no_objective'
        when s.anchor_hours >= s.objective_hours then 'reached'
        when s.period_end is null then 'no_deadline'
        when s.reach_month is null then 'late'
        when s.reach_month <= date_trunc('month', s.period_end) - to_months(ahead_months) then 'ahead'
        when s.reach_month <= date_trunc('month', s.period_end) then 'on_time'
        else 'late'
    end as track_status
from assessed as s
