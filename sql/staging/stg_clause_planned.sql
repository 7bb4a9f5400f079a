-- stg_clause_planned: procurement contracts or lots carrying a clause, one row per lot key.
-- Answers: for each lot (buyer + contract + lot), its operation, trade, kind, amount and planned
--          hours; when a lot is listed several times, the last record wins.
-- Grain: one row per (buyer_siret, contract_key, lot) where contract_key = contract_id, or the
--        contract object when the id is missing.
-- Columns: lot_key, the `clause_planned` columns (trade 'other' when missing), then
--          operation_departement_code, operation_epci_code, buyer_siren (stg_operation_place).
with source as (
    select
        *,
        coalesce(contract_id, 'objet:' || contract_object, 'ligne:' || record_no::varchar) as contract_key
    from clause_planned
),

latest as (
    select *
    from source
    qualify row_number() over (
        partition by buyer_siret, contract_key, lot order by source_file desc, record_no desc) = 1
),

placed as (
    select * from stg_operation_place(latest)
)

select
    concat_ws('|', p.buyer_siret, p.contract_key, coalesce(p.lot, '')) as lot_key,
    p.* exclude (contract_key) replace (coalesce(p.trade, 'other') as trade)
from placed as p
