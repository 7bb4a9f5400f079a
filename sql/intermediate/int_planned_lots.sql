-- int_planned_lots: lots carrying a clause, dated and matched to DECP.
-- materialized: table
-- Answers: for each lot, its planned hours, amount, trade, kind, the year it belongs to (notification
--          year of its DECP contract, else the year its first line starts) and its CPV sector (from
--          DECP; `works` when the lot is a works lot not found in DECP).
-- Grain: one row per lot_key (see stg_clause_planned).
-- Columns: the stg_clause_planned columns + year, sector, in_decp.
with lots as (
    select * from stg_clause_planned
),

decp as (
    select buyer_siret, contract_id, year, sector from stg_contracts
),

first_lines as (
    select buyer_siret, contract_id, lot, min(year) as first_year
    from stg_clause_hours
    group by all
)

select
    l.*,
    coalesce(d.year, f.first_year) as year,
    coalesce(d.sector, case when l.contract_kind = 'works' then 'works' end) as sector,
    d.contract_id is not null as in_decp
from lots as l
left join decp as d
    on d.buyer_siret = l.buyer_siret and d.contract_id = l.contract_id
left join first_lines as f
    on f.buyer_siret = l.buyer_siret and f.contract_id = l.contract_id and f.lot is not distinct from l.lot
