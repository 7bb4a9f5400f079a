-- mart_burnup: burn-up of a landlord's or an operation's insertion hours against its objective.
-- Answers: month by month, the cumulative hours worked on the lines of the scope (an operation, or
--          else a landlord = buyer SIRET) against the objective line, then the projection at the
--          recent pace until the objective would be reached. The objective is the scope's target of
--          the targets file (the one whose period holds the series end, else the latest; lines
--          counted from its period start to its period end), else the planned hours of the scope's
--          lots (all lines counted). A line counts in the month it starts. The series runs from the
--          first month (the target's period start, else the first line) to the month of the
--          latest line of the data (the exports' horizon), capped by the target's period end and
--          by as_of. The pace is the hours between the last published point (the anchor) and the
--          published point at least window_months before it (else the start, 0 h), per month.
-- Grain: one row per month (series 'actual'), then one per projected month (series 'projection', at
--        most 120, up to the month the objective is reached). No row when neither landlord nor
--        operation is given or the scope has no line and no objective.
-- Parameters: landlord (buyer SIRET), operation (operation id: the scope when given; with a
--             landlord too, that landlord's lines of the operation, no target, and masked as two
--             filters outside the bounded space), as_of (date, default none), window_months (default 6).
-- Columns: scope_type (operation | buyer), scope_id, month (first day), series (actual | projection), objective_hours,
--          objective_source (target | planned), objective_label, period_start, period_end,
--          cumulative_hours (actual rows: only at published points, else null), is_point (a
--          published point), is_anchor, projected_hours (the anchor row and projection rows),
--          is_masked (the whole series).
-- Masking: the whole series is masked when the scope's people are: its target in
--          mart_custom_targets is masked, or (planned objective) the scope is outside the bounded
--          space (int_people_cut), its total cell of int_secrecy_cells is masked or it has fewer
--          than threshold people. Within a shown series two consecutive published points differ by
--          the hours of the lines started between them: months are grouped backwards from the last
--          month until each group holds at least threshold distinct people (int_secrecy_threshold),
--          and only the cumulative at the latest month of a complete group is published (the
--          oldest, incomplete group merges into the next). The pace and the projection are drawn
--          from published points only.
create or replace macro mart_burnup(landlord := null, operation := null, as_of := null, window_months := 6) as table
with scope as (
    select
        case when operation is not null then 'operation' else 'buyer' end as scope_type,
        coalesce(operation, landlord) as scope_id
    where coalesce(operation, landlord) is not null
),

horizon as (
    -- the exports' horizon: the month of the latest line of the data, capped by as_of
    select date_trunc('month', least(max(l.start_date), coalesce(as_of::date, max(l.start_date)))) as last_month
    from int_hours_lines as l
),

target as (
    select t.*
    from stg_targets as t
    -- a landlord is an organisation: a target set on one of its establishments (SIRET) is its target
    join scope as s on t.scope_type = s.scope_type
     and (t.scope_id = s.scope_id or (s.scope_type = 'buyer' and int_siren(t.scope_id) = int_siren(s.scope_id)))
    -- an operation within one landlord has no target of its own (targets cover all its buyers)
    where landlord is null or operation is null
    order by (t.period_start is null or t.period_start <= (select h.last_month from horizon as h))
             and (t.period_end is null or t.period_end >= (select h.last_month from horizon as h)) desc,
             t.period_end desc nulls last, t.target_no
    limit 1
),

target_masked as (
    select bool_or(c.is_masked) as is_masked
    from mart_custom_targets(as_of := as_of, landlord := landlord, operation := operation) as c
    join target as t
      on c.scope_type = t.scope_type and c.scope_id = t.scope_id and c.label is not distinct from t.label
     and c.period_start is not distinct from t.period_start and c.period_end is not distinct from t.period_end
     and c.target_hours = t.target_hours
),

planned as (
    select sum(p.planned_hours) as planned_hours
    from int_planned_lots as p, scope as s
    where (operation is null or p.operation_id = operation)
      and (landlord is null or p.buyer_siren = int_siren(landlord))
),

objective as (
    select
        s.scope_type,
        s.scope_id,
        coalesce(t.target_hours, p.planned_hours) as objective_hours,
        case when t.target_no is not null then 'target' when p.planned_hours > 0 then 'planned' end
            as objective_source,
        t.label as objective_label,
        t.period_start,
        t.period_end
    from scope as s
    left join target as t on true
    cross join planned as p
),

lines as (
    select date_trunc('month', l.start_date) as month, l.participant_id, l.hours
    from int_hours_lines as l, objective as o
    where l.participant_id is not null
      and (operation is null or l.operation_id = operation)
      and (landlord is null or l.buyer_siren = int_siren(landlord))
      and (o.period_start is null or l.start_date >= o.period_start)
      and (o.period_end is null or l.start_date <= o.period_end)
      and (as_of is null or l.start_date <= as_of::date)
),

perimeter as (
    select count(distinct participant_id) as n_people,
           bit_xor(distinct hash(participant_id)) as people_hash
    from lines
),

series_masked as (
    select case
        when o.objective_source = 'target' then coalesce((select m.is_masked from target_masked as m), true)
        -- both a landlord and an operation: two filters, outside the bounded space (masked)
        else not int_people_cut(null, null, null, null, null, landlord, null, operation, null).allowed
             or exists (select 1 from int_secrecy_cells as c
                        where c.family = 'hours' and c.dim = 'total' and c.cut_year = '*' and c.is_masked
                          and c.cut_attr = case o.scope_type when 'buyer' then 'landlord' else 'operation' end
                          and c.cut_value = o.scope_id)
             or exists (select 1 from int_secrecy_cells as c, perimeter as p
                        where c.family = 'hours' and c.is_masked and c.n = p.n_people
                          and c.people_hash = p.people_hash)
        end
        or (select p.n_people from perimeter as p) < int_secrecy_threshold(false) as is_masked
    from objective as o
),

bounds as (
    select
        date_trunc('month', coalesce(o.period_start, (select min(x.month) from lines as x))) as first_month,
        least((select h.last_month from horizon as h),
              coalesce(date_trunc('month', o.period_end), (select h.last_month from horizon as h)))
            as last_month
    from objective as o
),

months as (
    select
        m.month::date as month,
        row_number() over (order by m.month desc) as rn,
        coalesce(list(distinct x.participant_id) filter (where x.participant_id is not null), []) as people,
        coalesce(sum(x.hours), 0) as hours
    from bounds as b,
         generate_series(b.first_month, b.last_month, interval 1 month) as m(month)
    left join lines as x on x.month = m.month
    group by m.month
),

groups as (
    -- backwards from the last month: a group closes once it holds threshold distinct people
    with recursive walk(rn, grp, acc) as (
        select rn, 1, people from months where rn = 1
        union all
        select m.rn,
               case when len(w.acc) >= int_secrecy_threshold(false) then w.grp + 1 else w.grp end,
               case when len(w.acc) >= int_secrecy_threshold(false) then m.people
                    else list_distinct(w.acc || m.people) end
        from walk as w
        join months as m on m.rn = w.rn + 1
    )
    select rn, grp, acc from walk
),

complete as (
    -- a group is complete when its distinct people reach the threshold; it is published at its
    -- latest month (smallest rn)
    select grp, min(rn) as end_rn
    from groups
    group by grp
    having max(len(acc)) >= int_secrecy_threshold(false)
),

actual as (
    select
        m.month,
        m.rn,
        sum(m.hours) over (order by m.month) as cumulative,
        m.rn in (select c.end_rn from complete as c) and not (select s.is_masked from series_masked as s)
            as is_point
    from months as m
),

anchor as (
    select a.month, a.cumulative from actual as a where a.is_point order by a.month desc limit 1
),

window_start as (
    -- the published point at least window_months before the anchor, else the start (0 h)
    select coalesce(max(a.month) filter (where a.month <= (select x.month - to_months(window_months) from anchor as x)),
                    (select min(m.month) - interval 1 month from months as m)) as month
    from actual as a
    where a.is_point
),

pace as (
    select
        w.month as window_start,
        x.month as window_end,
        (x.cumulative - coalesce((select a.cumulative from actual as a where a.month = w.month), 0))
            / nullif(datediff('month', w.month, x.month), 0) as hours_per_month,
        x.cumulative as anchor_hours
    from anchor as x, window_start as w
),

projection as (
    select
        (x.month + to_months(k::int))::date as month,
        least(o.objective_hours, p.anchor_hours + p.hours_per_month * k) as projected
    from anchor as x, pace as p, objective as o,
         generate_series(1, 120) as g(k)
    where p.hours_per_month > 0 and o.objective_hours > p.anchor_hours
      and p.anchor_hours + p.hours_per_month * (k - 1) < o.objective_hours
)

select
    o.scope_type, o.scope_id, a.month, 'actual' as series, o.objective_hours, o.objective_source,
    o.objective_label, o.period_start, o.period_end,
    case when a.is_point then a.cumulative end as cumulative_hours,
    a.is_point,
    a.month = (select x.month from anchor as x) as is_anchor,
    case when a.month = (select x.month from anchor as x) then a.cumulative end as projected_hours,
    (select s.is_masked from series_masked as s) as is_masked
from actual as a, objective as o
where o.objective_hours > 0 or exists (select 1 from lines)
union all
select
    o.scope_type, o.scope_id, p.month, 'projection', o.objective_hours, o.objective_source,
    o.objective_label, o.period_start, o.period_end, null, false, false, p.projected,
    (select s.is_masked from series_masked as s)
from projection as p, objective as o
order by month
