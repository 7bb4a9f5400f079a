-- int_planned_dimensions: every lot's planned hours once per lot-level breakdown dimension.
-- materialized: table
-- Answers: which value a lot takes for the mart_hours dimensions that exist on a lot, so that
--          planned hours sit beside worked hours (people dimensions have no planned hours).
-- Grain: one row per lot x dimension (total, year, trade, contract_kind, sector, buyer, buyer_type,
--        operation, operation_commune, operation_epci, operation_departement).
--        The dimensions and their values are int_lot_dimensions, as in int_hours_dimensions.
-- Columns: lot_key, dim, dim_value, planned_hours, contract_amount, filter columns f_year,
--          f_departement, f_epci, f_buyer_type, f_buyer_siren, f_sector, f_operation (int_filter_columns).
with lots as (
    select * from int_planned_lots
),

long as (
    select
        l.*,
        unnest(int_lot_dimensions(l.year, l.trade, l.contract_kind, l.sector, l.buyer_siren, l.buyer_type,
                                  l.operation_id, l.operation_commune_code, l.operation_epci_code,
                                  l.operation_departement_code)) as d
    from lots as l
)

select
    lot_key,
    d.dim as dim,
    d.dim_value as dim_value,
    planned_hours,
    contract_amount,
    unnest(int_filter_columns(year, operation_departement_code, operation_epci_code, buyer_type, buyer_siren,
                              sector, operation_id))
from long
order by dim  -- row groups per dimension: a mart reads only its own
