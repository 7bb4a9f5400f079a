-- mart_targets: hours against the hours grid and the ANRU floors, per operation and buyer (indicator 6).
-- Answers: per operation and maître d'ouvrage, the hours of work the lots represent according to
--          the hours grid (amount x labour share / hourly cost, defaults in
--          stg_hours_grid_defaults), the ANRU floor (NPNRU charter: 5 % of the hours worked on
--          investment lots (works, or engineering) and 10 % on GUP lots go to QPV residents far
--          from employment), the planned and worked insertion hours, and the hours worked by QPV
--          residents on those investment and GUP lots against the floor.
-- Grain: one row per operation x buyer + one total row (is_total).
-- Parameters: year_from, year_to (lot year / line year), departement, epci (of the operation),
--             buyer_type, landlord (organisation SIREN, or a SIRET of it), operation; rows per
--             operation x buyer organisation (buyer_siren).
-- Columns: operation_id, operation_name, buyer_siren, buyer_name, is_total, sort_key,
--          amount_investment, amount_gup, amount_other, estimated_hours_investment,
--          estimated_hours_gup, anru_floor_hours, hours_planned, n_participants, is_masked,
--          hours_worked, hours_worked_qpv, anru_floor_rate (= hours_worked_qpv / anru_floor_hours),
--          meets_anru_floor, planned_rate (= hours_worked / hours_planned).
-- Masking: every row when the filters are outside the bounded space (int_people_cut); a row
--          counting exactly the people of a masked cell of int_secrecy_cells; and the row's people
--          figures when n_participants is below the threshold (int_cell_masked,
--          siblings = the operation x buyer rows); hours_worked_qpv (and the floor rate) also when
--          the QPV residents behind it are fewer than the threshold (but not zero), with the
--          same secondary masking among the rows, so that it cannot be recomputed from the total;
--          and when the row's other people (hours_worked - hours_worked_qpv) are 1 to threshold - 1,
--          or the QPV residents are the people of a masked linked cell.
create or replace macro mart_targets(
    year_from := null, year_to := null, departement := null, epci := null, buyer_type := null,
    landlord := null, operation := null
) as table
with lots as (
    select
        p.*,
        p.contract_kind = 'works' or p.trade = 'engineering' as is_investment,
        p.contract_kind = 'gup' as is_gup,
        p.contract_amount * coalesce(g.labour_share, o.labour_share)
            / coalesce(g.hourly_cost, o.hourly_cost) as estimated_hours
    from int_planned_lots as p
    left join stg_hours_grid_defaults as g on g.trade = p.trade
    cross join (select d.labour_share, d.hourly_cost from stg_hours_grid_defaults as d
                where d.trade = 'other') as o
    where int_filters_match(
        p.year, p.operation_departement_code, p.operation_epci_code, p.buyer_type, p.buyer_siren, null, p.operation_id,
        year_from, year_to, departement, epci, buyer_type, landlord, null, operation)
),

lines as (
    select l.*,
           -- only hours on the lots the floors are computed on count towards them
           coalesce(l.contract_kind in ('works', 'gup') or l.trade = 'engineering', false) as on_anru_lot
    from int_hours_lines as l
    where l.participant_id is not null
      and int_filters_match(
          l.year, l.operation_departement_code, l.operation_epci_code, l.buyer_type, l.buyer_siren, null, l.operation_id,
          year_from, year_to, departement, epci, buyer_type, landlord, null, operation)
),

planned as (
    select
        grouping(x.operation_id, x.buyer_siren) > 0 as is_total,
        x.operation_id,
        x.buyer_siren,
        sum(x.contract_amount) filter (where x.is_investment) as amount_investment,
        sum(x.contract_amount) filter (where x.is_gup) as amount_gup,
        sum(x.contract_amount) filter (where not (x.is_investment or x.is_gup)) as amount_other,
        sum(x.estimated_hours) filter (where x.is_investment) as estimated_hours_investment,
        sum(x.estimated_hours) filter (where x.is_gup) as estimated_hours_gup,
        sum(x.planned_hours) as hours_planned
    from lots as x
    group by grouping sets ((x.operation_id, x.buyer_siren), ())
),

worked as (
    select
        grouping(y.operation_id, y.buyer_siren) > 0 as is_total,
        y.operation_id,
        y.buyer_siren,
        count(distinct y.participant_id) as n_participants,
        bit_xor(distinct hash(y.participant_id)) as people_hash,
        count(distinct y.participant_id) filter (where y.qpv_resident and y.on_anru_lot) as n_qpv_participants,
        bit_xor(distinct hash(y.participant_id)) filter (where y.qpv_resident and y.on_anru_lot) as qpv_people_hash,
        -- the people of the other hours (hours_worked - hours_worked_qpv are theirs)
        count(distinct y.participant_id) filter (where not coalesce(y.qpv_resident and y.on_anru_lot, false))
            as n_rest_participants,
        sum(y.hours) as hours_worked,
        coalesce(sum(y.hours) filter (where y.qpv_resident and y.on_anru_lot), 0) as hours_worked_qpv
    from lines as y
    group by grouping sets ((y.operation_id, y.buyer_siren), ())
),

joined as (
    select
        coalesce(p.is_total, w.is_total) as is_total,
        coalesce(p.operation_id, w.operation_id) as operation_id,
        coalesce(p.buyer_siren, w.buyer_siren) as buyer_siren,
        coalesce(p.amount_investment, 0) as amount_investment,
        coalesce(p.amount_gup, 0) as amount_gup,
        coalesce(p.amount_other, 0) as amount_other,
        coalesce(p.estimated_hours_investment, 0) as estimated_hours_investment,
        coalesce(p.estimated_hours_gup, 0) as estimated_hours_gup,
        p.hours_planned,
        coalesce(w.n_participants, 0) as n_participants,
        w.people_hash,
        coalesce(w.n_qpv_participants, 0) as n_qpv_participants,
        w.qpv_people_hash,
        coalesce(w.n_rest_participants, 0) as n_rest_participants,
        coalesce(w.hours_worked, 0) as hours_worked,
        coalesce(w.hours_worked_qpv, 0) as hours_worked_qpv
    from planned as p
    full join worked as w
        on p.is_total = w.is_total
       and p.operation_id is not distinct from w.operation_id
       and p.buyer_siren is not distinct from w.buyer_siren
),

masked as (
    select
        *,
        0.05 * estimated_hours_investment + 0.10 * estimated_hours_gup as anru_floor_hours,
        int_cell_masked(n_participants, false, is_total)
            -- the same people as a masked cell of the linked tables (an operation, a cut total)
            or exists (select 1 from int_secrecy_cells as c
                       where c.family = 'hours' and c.is_masked and c.n = n_participants
                         and c.people_hash = joined.people_hash)
            or not int_people_cut(year_from, year_to, departement, epci, buyer_type, landlord, null, operation,
                                  null).allowed as row_masked,
        -- the QPV hours are also withheld (as a cell below the threshold, so that the secondary
        -- masking follows) when the other hours are 1 to threshold - 1 people (hours_worked -
        -- hours_worked_qpv would be theirs) or when the QPV people are those of a masked cell of
        -- the linked tables (the QPV residents of the operation in mart_hours)
        int_cell_masked(
            case when int_primary_masked(n_rest_participants, false)
                      or (n_qpv_participants > 0 and exists (
                          select 1 from int_secrecy_cells as c
                          where c.family = 'hours' and c.is_masked and c.n = n_qpv_participants
                            and c.people_hash = joined.qpv_people_hash))
                 then least(n_qpv_participants, int_secrecy_threshold(false) - 1)
                 else n_qpv_participants end, false, is_total) as qpv_row_masked
    from joined
),

masked_total as (
    select * exclude (row_masked, qpv_row_masked),
           int_total_masked(is_total, row_masked) as is_masked,
           int_total_masked(is_total, qpv_row_masked) as qpv_masked
    from masked
),

names as (
    select lb.dim, lb.dim_value, lb.label from int_dimension_labels as lb
    where lb.dim in ('operation', 'buyer')
)

select
    case when not m.is_total then m.operation_id end as operation_id,
    case when m.is_total then 'Total' else op.label end as operation_name,
    case when not m.is_total then m.buyer_siren end as buyer_siren,
    case when not m.is_total then bu.label end as buyer_name,
    m.is_total,
    row_number() over (order by m.is_total, m.estimated_hours_investment + m.estimated_hours_gup desc,
                       m.operation_id, m.buyer_siren) as sort_key,
    m.amount_investment,
    m.amount_gup,
    m.amount_other,
    m.estimated_hours_investment,
    m.estimated_hours_gup,
    m.anru_floor_hours,
    m.hours_planned,
    case when not m.is_masked then m.n_participants end as n_participants,
    m.is_masked,
    case when not m.is_masked then m.hours_worked end as hours_worked,
    case when not (m.is_masked or m.qpv_masked) then m.hours_worked_qpv end as hours_worked_qpv,
    case when not (m.is_masked or m.qpv_masked) then m.hours_worked_qpv / nullif(m.anru_floor_hours, 0) end
        as anru_floor_rate,
    case when not (m.is_masked or m.qpv_masked) and m.anru_floor_hours > 0
         then m.hours_worked_qpv >= m.anru_floor_hours end as meets_anru_floor,
    case when not m.is_masked then m.hours_worked / nullif(m.hours_planned, 0) end as planned_rate
from masked_total as m
left join names as op on op.dim = 'operation' and op.dim_value = m.operation_id
left join names as bu on bu.dim = 'buyer' and bu.dim_value = m.buyer_siren
order by sort_key
