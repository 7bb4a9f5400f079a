-- mart_anru_floors: the two ANRU floors of the NPNRU charter, each on its own, per operation and buyer.
-- Answers: per operation x maître d'ouvrage and per kind of lots (lot_kind) (investment: works lots and the
--          engineering they need; GUP: neighbourhood-upkeep contracts), the hours of work those lots
--          represent according to the hours grid (amount x labour share / hourly cost, defaults in
--          stg_hours_grid_defaults), the hours worked by QPV residents on them, their share of the
--          estimated hours and whether it reaches the charter's floor (5 % investment, 10 % GUP).
--          The amount is the clause export's; when the export has none, the amount of the linked
--          DECP contract (int_clause_contract_match, when the contract is the lot's only lot in the
--          export). A floor is computable only when every lot of its kind has an amount; otherwise
--          not_computable_reason says why and for how many lots.
-- Grain: one row per operation x buyer organisation x kind (investment, gup) having lots or hours of that kind,
--        + one total row per kind (is_total) for the filter set.
-- Parameters: year_from, year_to, departement, epci, buyer_type, landlord, operation (those of
--             mart_targets, same semantics).
-- Columns: operation_id, operation_name, buyer_siren (the buyer organisation), buyer_name, is_total, lot_kind, floor_share
--          (0.05 / 0.10), n_lots, n_lots_amount_export, n_lots_amount_decp, n_lots_no_amount,
--          amount, estimated_hours (lots with an amount), is_computable, not_computable_reason,
--          floor_hours (= floor_share x estimated_hours), is_masked, qpv_hours, qpv_share
--          (= qpv_hours / estimated_hours), meets_floor, sort_key.
-- Masking: the QPV hours of a kind (and its share) are withheld when mart_targets withholds the
--          row's QPV hours (the two kinds add up to them); within a row by int_cell_masked over
--          its two kinds (a kind of 1 to 4 QPV residents, and the other kind with it: the row's
--          QPV hours minus one kind gives the other); on a total row unless every row of that
--          kind is shown (total minus shown rows would give a masked row back, also across filter
--          sets) or every row of the other kind is (the total is then mart_targets' total QPV
--          hours minus the other kind's: already derivable); and whenever a year filter is set (the kind split is not a linked cell of
--          int_secrecy_cells: all years minus one year would give it back). Procurement figures
--          (amounts, estimated hours, floors) are public and never masked.
create or replace macro mart_anru_floors(
    year_from := null, year_to := null, departement := null, epci := null, buyer_type := null,
    landlord := null, operation := null
) as table
with decp_amounts as (
    -- the DECP amount of a contract that is a single lot of the export
    select m.buyer_siret, m.contract_id, m.amount
    from int_clause_contract_match as m
    join (select q.buyer_siret, q.contract_id from int_planned_lots as q
          group by all having count(*) = 1) as single using (buyer_siret, contract_id)
    where m.in_decp and m.amount > 0
),

lots as (
    select
        p.operation_id,
        p.buyer_siren,
        int_anru_lot_kind(p.contract_kind, p.trade) as lot_kind,
        case when p.contract_amount > 0 then 'export' when d.amount > 0 then 'decp' end as amount_source,
        case when p.contract_amount > 0 then p.contract_amount else d.amount end as amount,
        coalesce(g.labour_share, o.labour_share) as labour_share,
        coalesce(g.hourly_cost, o.hourly_cost) as hourly_cost
    from int_planned_lots as p
    left join decp_amounts as d on d.buyer_siret = p.buyer_siret and d.contract_id = p.contract_id
    left join stg_hours_grid_defaults as g on g.trade = p.trade
    cross join (select x.labour_share, x.hourly_cost from stg_hours_grid_defaults as x
                where x.trade = 'other') as o
    where int_filters_match(
          p.year, p.operation_departement_code, p.operation_epci_code, p.buyer_type, p.buyer_siren, null,
          p.operation_id, year_from, year_to, departement, epci, buyer_type, landlord, null, operation)
),

lines as (
    -- the lines mart_targets counts as QPV hours on ANRU lots, by kind
    select
        l.operation_id, l.buyer_siren, l.participant_id, l.hours,
        int_anru_lot_kind(l.contract_kind, l.trade) as lot_kind
    from int_hours_lines as l
    where l.participant_id is not null and l.qpv_resident
      and int_filters_match(
          l.year, l.operation_departement_code, l.operation_epci_code, l.buyer_type, l.buyer_siren, null,
          l.operation_id, year_from, year_to, departement, epci, buyer_type, landlord, null, operation)
),

targets as (
    -- the rows of mart_targets: are their QPV hours (the sum of the two kinds) shown?
    select t.operation_id, t.buyer_siren, t.is_total, t.hours_worked_qpv is not null as qpv_shown
    from mart_targets(year_from := year_from, year_to := year_to, departement := departement, epci := epci,
                      buyer_type := buyer_type, landlord := landlord, operation := operation) as t
),

row_cells as (
    -- per operation x buyer x kind: its lots (amounts and estimated hours) and its QPV residents' hours
    select
        operation_id, buyer_siren, lot_kind,
        count(*) filter (where is_lot) as n_lots,
        count(*) filter (where amount_source = 'export') as n_lots_amount_export,
        count(*) filter (where amount_source = 'decp') as n_lots_amount_decp,
        count(*) filter (where is_lot and amount_source is null) as n_lots_no_amount,
        coalesce(sum(amount), 0) as amount,
        coalesce(sum(amount * labour_share / hourly_cost), 0) as estimated_hours,
        count(distinct participant_id) as n_qpv,
        coalesce(sum(hours), 0) as qpv_hours
    from (
        select operation_id, buyer_siren, lot_kind, amount_source, amount, labour_share, hourly_cost,
               true as is_lot
        from lots
        union all by name
        select operation_id, buyer_siren, lot_kind, participant_id, hours, false as is_lot from lines
    )
    where lot_kind is not null
    group by all
),

row_masked as (
    select
        r.*,
        not coalesce(t.qpv_shown, true)
            or int_cell_masked(r.n_qpv, false, concat_ws('|', r.operation_id, r.buyer_siren))
            or year_from is not null or year_to is not null as is_masked
    from row_cells as r
    left join targets as t
        on not t.is_total and t.operation_id is not distinct from r.operation_id
       and t.buyer_siren is not distinct from r.buyer_siren
),

totals as (
    select
        lot_kind,
        sum(n_lots) as n_lots,
        sum(n_lots_amount_export) as n_lots_amount_export,
        sum(n_lots_amount_decp) as n_lots_amount_decp,
        sum(n_lots_no_amount) as n_lots_no_amount,
        sum(amount) as amount,
        sum(estimated_hours) as estimated_hours,
        sum(qpv_hours) as qpv_hours,
        bool_or(is_masked and n_qpv > 0) as any_masked
    from row_masked
    group by lot_kind
),

all_rows as (
    select operation_id, buyer_siren, false as is_total, lot_kind, n_lots, n_lots_amount_export,
           n_lots_amount_decp, n_lots_no_amount, amount, estimated_hours, is_masked, qpv_hours
    from row_masked
    union all
    select null, null, true, t.lot_kind, t.n_lots, t.n_lots_amount_export, t.n_lots_amount_decp,
           t.n_lots_no_amount, t.amount, t.estimated_hours,
           -- shown when every row of the kind is, or every row of the other kind is (then it is the
           -- total QPV hours of mart_targets minus the other kind's total: already derivable)
           (t.any_masked and coalesce((select o.any_masked from totals as o where o.lot_kind <> t.lot_kind), false))
               or year_from is not null or year_to is not null
               or not coalesce((select x.qpv_shown from targets as x where x.is_total), false),
           t.qpv_hours
    from totals as t
),

floors as (
    select
        *,
        case lot_kind when 'investment' then 0.05 else 0.10 end::double as floor_share,
        n_lots > 0 and n_lots_no_amount = 0 and estimated_hours > 0 as is_computable
    from all_rows
),

names as (
    select lb.dim, lb.dim_value, lb.label from int_dimension_labels as lb
    where lb.dim in ('operation', 'buyer')
)

select
    f.operation_id,
    case when f.is_total then 'Total' else op.label end as operation_name,
    f.buyer_siren,
    bu.label as buyer_name,
    f.is_total,
    f.lot_kind,
    f.floor_share,
    f.n_lots,
    f.n_lots_amount_export,
    f.n_lots_amount_decp,
    f.n_lots_no_amount,
    f.amount,
    f.estimated_hours,
    f.is_computable,
    case when f.is_computable then null
         when f.n_lots = 0 then 'Aucun lot ' || case f.lot_kind when 'gup' then 'GUP' else 'd''investissement' end
              || ' dans le fichier des clauses : heures de travail inconnues.'
         when f.n_lots_no_amount > 0 then f.n_lots_no_amount || ' lot(s) sur ' || f.n_lots
              || ' sans montant (ni dans l''export des clauses ni dans le marché DECP lié) : '
              || 'les heures de travail de l''opération ne peuvent pas être estimées.'
         else 'Montants nuls : heures de travail estimées à 0.' end as not_computable_reason,
    case when f.is_computable then f.floor_share * f.estimated_hours end as floor_hours,
    f.is_masked,
    case when not f.is_masked then f.qpv_hours end as qpv_hours,
    case when not f.is_masked and f.is_computable then f.qpv_hours / f.estimated_hours end as qpv_share,
    case when not f.is_masked and f.is_computable then f.qpv_hours >= f.floor_share * f.estimated_hours end
        as meets_floor,
    row_number() over (order by f.is_total, f.estimated_hours desc, f.operation_id, f.buyer_siren, f.lot_kind)
        as sort_key
from floors as f
left join names as op on op.dim = 'operation' and op.dim_value = f.operation_id
left join names as bu on bu.dim = 'buyer' and bu.dim_value = f.buyer_siren
order by sort_key
