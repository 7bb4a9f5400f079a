-- int_hours_lines: employment lines with their lot (trade, kind) and DECP sector attached.
-- materialized: table
-- Answers: for each line, every attribute a people mart filters or breaks down on.
-- Grain: one row per clause_hours row (line_id).
-- Columns: the stg_clause_hours columns + lot_key, trade, contract_kind (null when the lot is not in
--          clause_planned), sector (DECP sector of the contract; `works` for a works lot not in DECP),
--          procurement_key (buyer|contract|lot: the procurement contract the line is on).
with lines as (
    select * from stg_clause_hours
),

lots as (
    select lot_key, buyer_siret, contract_id, lot, trade, contract_kind, sector from int_planned_lots
),

decp as (
    select buyer_siret, contract_id, sector from stg_contracts
)

select
    l.*,
    p.lot_key,
    p.trade,
    p.contract_kind,
    coalesce(d.sector, p.sector) as sector,
    concat_ws('|', l.buyer_siret, coalesce(l.contract_id, l.operation_id, ''), coalesce(l.lot, ''))
        as procurement_key
from lines as l
left join lots as p
    on p.buyer_siret = l.buyer_siret and p.contract_id = l.contract_id and p.lot is not distinct from l.lot
left join decp as d
    on d.buyer_siret = l.buyer_siret and d.contract_id = l.contract_id
