-- int_planned_dimensions: every lot's planned hours once per lot-level breakdown dimension.
-- materialized: table
-- Answers: which value a lot takes for the mart_hours dimensions that exist on a lot, so that
--          planned hours sit beside worked hours (people dimensions have no planned hours).
-- Grain: one row per lot x dimension (total, year, trade, contract_kind, sector, buyer, buyer_type,
--        operation, operation_commune, operation_epci, operation_departement).
-- Columns: lot_key, dim, dim_value, planned_hours, contract_amount, filter columns f_year,
--          f_departement, f_epci, f_buyer_type, f_buyer_siren, f_sector, f_operation.
with lots as (
    select * from int_planned_lots
),

long as (
    select
        l.*,
        unnest([
            {'dim': 'total', 'dim_value': 'total'},
            {'dim': 'year', 'dim_value': coalesce(l.year::varchar, 'unknown')},
            {'dim': 'trade', 'dim_value': coalesce(l.trade, 'unknown')},
            {'dim': 'contract_kind', 'dim_value': coalesce(l.contract_kind, 'unknown')},
            {'dim': 'sector', 'dim_value': coalesce(l.sector, 'unknown')},
            {'dim': 'buyer', 'dim_value': coalesce(l.buyer_siren, 'unknown')},
            {'dim': 'buyer_type', 'dim_value': l.buyer_type},
            {'dim': 'operation', 'dim_value': coalesce(l.operation_id, 'unknown')},
            {'dim': 'operation_commune', 'dim_value': coalesce(l.operation_commune_code, 'unknown')},
            {'dim': 'operation_epci', 'dim_value': coalesce(l.operation_epci_code, 'unknown')},
            {'dim': 'operation_departement', 'dim_value': coalesce(l.operation_departement_code, 'unknown')}
        ]) as d
    from lots as l
)

select
    lot_key,
    d.dim as dim,
    d.dim_value as dim_value,
    planned_hours,
    contract_amount,
    year as f_year,
    operation_departement_code as f_departement,
    operation_epci_code as f_epci,
    buyer_type as f_buyer_type,
    buyer_siren as f_buyer_siren,
    sector as f_sector,
    operation_id as f_operation
from long
order by dim  -- row groups per dimension: a mart reads only its own
