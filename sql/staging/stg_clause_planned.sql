-- stg_clause_planned: procurement contracts or lots carrying a clause, one row per lot key.
-- Answers: for each lot (buyer + contract + lot), its operation, trade, kind, amount and planned
--          hours; when a lot is listed several times, the last record wins.
-- Grain: one row per (buyer_siret, contract_key, lot) where contract_key = contract_id, or the
--        contract object when the id is missing.
-- Columns: lot_key, the `clause_planned` columns, operation_departement_code, operation_epci_code,
--          buyer_siren (organisation of the buyer, stg_buyer_establishments; null when unresolved).
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

communes as (
    select commune_code, departement_code, epci_code from ref_communes
)

select
    concat_ws('|', l.buyer_siret, l.contract_key, coalesce(l.lot, '')) as lot_key,
    l.source_file,
    l.record_no,
    l.operation_id,
    l.operation_name,
    l.operation_qpv,
    l.operation_commune_code,
    coalesce(oc.departement_code,
             case when l.operation_commune_code is not null
                  then left(l.operation_commune_code, 2) end) as operation_departement_code,
    oc.epci_code as operation_epci_code,
    l.buyer_siret,
    o.buyer_siren,
    l.buyer_name,
    coalesce(l.buyer_type, 'other') as buyer_type,
    l.contract_id,
    l.lot,
    l.contract_object,
    coalesce(l.trade, 'other') as trade,
    l.contract_kind,
    l.legal_basis,
    l.contract_amount,
    l.planned_hours
from latest as l
left join communes as oc on oc.commune_code = l.operation_commune_code
left join stg_buyer_establishments as o on o.buyer_siret = l.buyer_siret
