-- mart_custom_targets: progress towards the targets of the targets file.
-- Answers: for each target (e.g. 100 000 hours over a programme), how many insertion hours were
--          worked by lines of its scope (operation or buyer) starting within its period, the
--          progress rate, the share of the period elapsed at `as_of`, and whether it is on track.
-- Grain: one row per `targets` row.
-- Parameters: as_of (date, default: the build date); landlord (SIREN or SIRET) keeps that organisation's
--             targets, operation keeps that operation's targets; departement, epci keep the targets
--             whose scope lies in that territory: every line and lot of the scope (any date) is on an
--             operation of that département / EPCI (a scope with none, or reaching outside it, is not
--             kept: its hours would count work done elsewhere). Filters by int_filters_match; null = all.
-- Columns: scope_type, scope_id, scope_label, label, target_hours, period_start, period_end,
--          n_participants, is_masked, hours_worked, progress_rate, elapsed_share, on_track.
-- Masking: hours and progress masked when n_participants is below the threshold; when a target's
--          lines all lie within another's and the other lines are 1 to threshold - 1 people (the
--          difference would give their hours back); every inner target of an outer one when the
--          outer's lines outside its inner targets of at least threshold people are 1 to threshold
--          - 1 people (outer - inner 1 - inner 2); likewise against the total of a shown cut of
--          the people marts (all years or one year x no filter or one filter: a target over a
--          free period and mart_hours(landlord := ...) of its buyer differ by the lines outside
--          the period); when it counts exactly the people of a masked cell of int_secrecy_cells
--          (docs/secrecy.md).
create or replace macro mart_custom_targets(
    as_of := null, landlord := null, operation := null, departement := null, epci := null
) as table
with all_targets as (
    -- every target, whatever the parameters: the masks depend on all of them
    select * from stg_targets
),

targets as (
    select * from all_targets
),

scope_sources as (
    -- what a scope holds: its employment lines and its planned lots, with their operation's territory
    select 'line' as source, l.line_id, l.participant_id, l.hours, l.start_date, l.operation_id, l.buyer_siren,
           l.operation_departement_code, l.operation_epci_code
    from int_hours_lines as l
    union all
    select 'lot', null, null, null, null, p.operation_id, p.buyer_siren, p.operation_departement_code,
           p.operation_epci_code
    from int_planned_lots as p
),

scope_members as (
    -- two equi-joins (by operation, by buyer) rather than one join on an "or" condition
    select t.target_no, t.period_start, t.period_end, m.*
    from targets as t
    join scope_sources as m on t.scope_type = 'operation' and m.operation_id = t.scope_id
    union all
    select t.target_no, t.period_start, t.period_end, m.*
    from targets as t
    join scope_sources as m on t.scope_type = 'buyer' and m.buyer_siren = int_siren(t.scope_id)
),

scoped_lines as (
    -- the lines a target counts: those of its scope starting within its period
    select target_no, line_id, participant_id, hours
    from scope_members
    where source = 'line' and participant_id is not null and int_in_range(start_date, period_start, period_end)
),

territories as (
    -- a target's territory: the one département (EPCI) of every line and lot of its scope; null when
    -- they lie in several or have none (then a territory filter does not keep it)
    select
        target_no,
        case when count(distinct operation_departement_code) = 1 and count(*) = count(operation_departement_code)
             then any_value(operation_departement_code) end as departement_code,
        case when count(distinct operation_epci_code) = 1 and count(*) = count(operation_epci_code)
             then any_value(operation_epci_code) end as epci_code
    from scope_members
    group by target_no
),

progress as (
    select
        t.target_no,
        count(distinct s.participant_id) as n_participants,
        coalesce(sum(s.hours), 0) as hours_worked,
        bit_xor(distinct hash(s.participant_id)) as people_hash
    from targets as t
    left join scoped_lines as s using (target_no)
    group by t.target_no
),

line_counts as (
    select target_no, count(*) as n_lines from scoped_lines group by target_no
),

nested_pairs as (
    -- (outer, inner): every line of the inner target is a line of the outer one
    select a.target_no as outer_no, b.target_no as inner_no
    from scoped_lines as a
    join scoped_lines as b on b.line_id = a.line_id and b.target_no <> a.target_no
    group by a.target_no, b.target_no
    having count(*) = (select lc.n_lines from line_counts as lc where lc.target_no = b.target_no)
),

nested as (
    -- the outer target minus the inner one is the hours of the people of the outer target's other
    -- lines: when they are 1 to threshold - 1 people, the inner target is masked (else the buyer
    -- target minus the operation target gives them back)
    select p.inner_no as target_no
    from nested_pairs as p
    join scoped_lines as x on x.target_no = p.outer_no
    anti join scoped_lines as y on y.target_no = p.inner_no and y.line_id = x.line_id
    group by p.outer_no, p.inner_no
    having int_primary_masked(count(distinct x.participant_id), false)
),

nested_sum as (
    -- an outer target holding two inner targets or more: the outer minus the inner targets that
    -- can be shown (at least threshold people) is the hours of the outer's lines outside all of
    -- them; when they are 1 to threshold - 1 people, every inner target of that outer is masked
    -- (buyer - OP1 - OP2 = the one person of OP3)
    select p.inner_no as target_no
    from nested_pairs as p
    where p.outer_no in (
        select x.target_no
        from scoped_lines as x
        where x.target_no in (select q.outer_no from nested_pairs as q group by q.outer_no having count(*) >= 2)
          and not exists (
              select 1
              from nested_pairs as q
              join progress as pi on pi.target_no = q.inner_no
              join scoped_lines as y on y.target_no = q.inner_no
              where q.outer_no = x.target_no and y.line_id = x.line_id
                and pi.n_participants >= int_secrecy_threshold(false))
        group by x.target_no
        having int_primary_masked(count(distinct x.participant_id), false))
),

cut_lines as (
    -- the lines of every cut the people marts publish a total of
    select * from int_line_cut_members
),

cut_candidates as (
    -- (target, cut) where one may hold the other with fewer than threshold people apart: a cut
    -- holding the target holds its first line; a cut within the target has its first line in it
    select p.target_no, cl.cut_year, cl.cut_attr, cl.cut_value, true as target_within, false as cut_within
    from progress as p
    join (select target_no, min(line_id) as line_id from scoped_lines group by target_no) as f using (target_no)
    join cut_lines as cl on cl.line_id = f.line_id
    where cl.cut_people - p.n_participants < int_secrecy_threshold(false)
    union all
    select p.target_no, cl.cut_year, cl.cut_attr, cl.cut_value, false, true
    from progress as p
    join scoped_lines as s using (target_no)
    join cut_lines as cl on cl.line_id = s.line_id and cl.is_first_line
    where p.n_participants - cl.cut_people < int_secrecy_threshold(false)
),

cut_pairs as (
    -- the candidates where the containment holds
    select cc.target_no, cc.cut_year, cc.cut_attr, cc.cut_value, bool_or(cc.target_within) as target_within,
           bool_or(cc.cut_within) as cut_within
    from cut_candidates as cc
    join line_counts as lc using (target_no)
    where (cc.target_within and lc.n_lines = (
               select count(*) from scoped_lines as s join cut_lines as cl using (line_id)
               where s.target_no = cc.target_no and cl.cut_year = cc.cut_year and cl.cut_attr = cc.cut_attr
                 and cl.cut_value = cc.cut_value))
       or (cc.cut_within and (
               select count(*) from scoped_lines as s join cut_lines as cl using (line_id)
               where s.target_no = cc.target_no and cl.cut_year = cc.cut_year and cl.cut_attr = cc.cut_attr
                 and cl.cut_value = cc.cut_value) = (
               select any_value(cl.cut_lines) from cut_lines as cl
               where cl.cut_year = cc.cut_year and cl.cut_attr = cc.cut_attr and cl.cut_value = cc.cut_value))
    group by all
),

cut_apart as (
    -- the people of the lines in one of (target, cut) and not in the other, for the containment
    -- that holds: the cut's lines outside a target it holds, or the target's lines outside a cut
    -- within it
    select cp.target_no, cp.cut_year, cp.cut_attr, cp.cut_value, 'cut_outside' as side, cl.participant_id
    from cut_pairs as cp
    join cut_lines as cl using (cut_year, cut_attr, cut_value)
    left join scoped_lines as s on s.target_no = cp.target_no and s.line_id = cl.line_id
    where cp.target_within and s.line_id is null
    union all
    select cp.target_no, cp.cut_year, cp.cut_attr, cp.cut_value, 'target_outside', s.participant_id
    from cut_pairs as cp
    join scoped_lines as s on s.target_no = cp.target_no
    left join cut_lines as cl on cl.cut_year = cp.cut_year and cl.cut_attr = cp.cut_attr
                             and cl.cut_value = cp.cut_value and cl.line_id = s.line_id
    where cp.cut_within and cl.line_id is null
),

cut_nested as (
    -- a target against the total of a shown cut of the people marts (mart_hours(landlord := ...),
    -- a year...): when one holds the lines of the other and the other lines are 1 to threshold - 1
    -- people, the difference gives their hours back: the target is masked (its free period is not
    -- part of the bounded space)
    select a.target_no
    from cut_apart as a
    where not exists (select 1 from int_secrecy_cells as c
                      where c.family = 'hours' and c.dim = 'total' and c.is_masked and c.cut_year = a.cut_year
                        and c.cut_attr = a.cut_attr and c.cut_value = a.cut_value)
    group by a.target_no, a.cut_year, a.cut_attr, a.cut_value, a.side
    having int_primary_masked(count(distinct a.participant_id), false)
),

linked as (
    -- a target counting exactly the people of a masked cell of the linked tables is masked too
    select p.target_no
    from progress as p
    join int_secrecy_cells as c
      on c.family = 'hours' and c.is_masked and c.n = p.n_participants and c.people_hash = p.people_hash
    where p.n_participants > 0
),

joined as (
    select
        t.*,
        p.n_participants,
        p.hours_worked,
        int_cell_masked(p.n_participants, false, t.target_no)
            or t.target_no in (select target_no from nested)
            or t.target_no in (select target_no from cut_nested)
            or t.target_no in (select target_no from nested_sum)
            or t.target_no in (select target_no from linked) as is_masked,
        case when t.period_start is not null and t.period_end > t.period_start then
            greatest(0, least(1,
                datediff('day', t.period_start, coalesce(as_of, (select s.built_on from stg_settings as s)))
                / datediff('day', t.period_start, t.period_end)::double))
        end as elapsed_share
    from targets as t
    join progress as p using (target_no)
),

published as (
    -- a masked target keeps its definition (scope, hours aimed at, period) and loses its figures
    select
        j.*,
        lb.label as scope_label,
        if(j.is_masked, null, j.hours_worked / nullif(j.target_hours, 0)) as shown_progress
    from joined as j
    left join territories as tr using (target_no)
    left join int_dimension_labels as lb
        on lb.dim = case j.scope_type when 'operation' then 'operation' else 'buyer' end
       and lb.dim_value = j.scope_id
    where int_filters_match(
        null, tr.departement_code, tr.epci_code, null,
        case when j.scope_type = 'buyer' then int_siren(j.scope_id) end, null,
        case when j.scope_type = 'operation' then j.scope_id end,
        null, null, departement, epci, null, landlord, null, operation)
)

select
    scope_type, scope_id, scope_label, label, target_hours, period_start, period_end,
    if(is_masked, null, n_participants) as n_participants,
    is_masked,
    if(is_masked, null, hours_worked) as hours_worked,
    shown_progress as progress_rate,
    elapsed_share,
    if(elapsed_share is null, null, shown_progress >= elapsed_share) as on_track
from published
order by target_no
