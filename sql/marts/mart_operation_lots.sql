-- mart_operation_lots: the procurement contracts and lots of an operation, with their planned hours.
-- Answers: which contracts and lots make up operation X (buyer, trade, kind, legal basis, amount,
--          planned insertion hours), and is each contract found in DECP? Procurement figures of
--          the facilitators' files: never masked (no people figure here; hours worked per trade
--          come from mart_hours under secrecy).
-- Grain: one row per lot of int_planned_lots.
-- Parameters: operation (code; null = every operation), landlord (SIREN or SIRET of the buyer).
-- Columns: operation_id, lot_key, buyer_siren, buyer_name (organisation), contract_id, lot,
--          contract_object, trade, contract_kind, legal_basis, contract_amount, planned_hours,
--          year, in_decp.
create or replace macro mart_operation_lots(operation := null, landlord := null) as table
select
    p.operation_id,
    p.lot_key,
    p.buyer_siren,
    coalesce(o.buyer_name, p.buyer_name) as buyer_name,
    p.contract_id,
    p.lot,
    p.contract_object,
    p.trade,
    p.contract_kind,
    p.legal_basis,
    p.contract_amount,
    p.planned_hours,
    p.year,
    exists (select 1 from stg_contracts as c
            where c.buyer_siret = p.buyer_siret and c.contract_id = p.contract_id) as in_decp
from int_planned_lots as p
left join int_organisations as o using (buyer_siren)
where (operation is null or p.operation_id = operation)
  and (landlord is null or p.buyer_siren = int_siren(landlord))
order by p.operation_id, p.contract_id nulls last, p.lot nulls last, p.lot_key
