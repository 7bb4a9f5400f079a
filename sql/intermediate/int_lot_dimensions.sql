-- int_lot_dimensions: scalar macro, the breakdown values of the dimensions that exist on a lot.
-- Answers: which value a lot (or an employment line, through its lot) takes in the mart_hours
--          breakdowns that have planned hours: total, year, trade, contract_kind, sector, buyer,
--          buyer_type, operation, operation_commune, operation_epci, operation_departement
--          ('unknown' when missing). Used by int_hours_dimensions (worked hours) and
--          int_planned_dimensions (planned hours), which mart_hours joins on these values.
-- Grain: scalar. Parameters: year (integer), trade, contract_kind, sector, buyer_siren, buyer_type,
--        operation_id, operation_commune, operation_epci, operation_departement (codes).
-- Returns: list of struct(dim, dim_value, dim_order), one per dimension (dim_order: 0 for the
--          total, the year for `year`, else null).
create or replace macro int_lot_dimensions(
    year, trade, contract_kind, sector, buyer_siren, buyer_type, operation_id, operation_commune,
    operation_epci, operation_departement
) as [
    {'dim': 'total', 'dim_value': 'total', 'dim_order': 0::bigint},
    {'dim': 'year', 'dim_value': coalesce(year::varchar, 'unknown'), 'dim_order': year::bigint},
    {'dim': 'trade', 'dim_value': coalesce(trade, 'unknown'), 'dim_order': null},
    {'dim': 'contract_kind', 'dim_value': coalesce(contract_kind, 'unknown'), 'dim_order': null},
    {'dim': 'sector', 'dim_value': coalesce(sector, 'unknown'), 'dim_order': null},
    {'dim': 'buyer', 'dim_value': coalesce(buyer_siren, 'unknown'), 'dim_order': null},
    {'dim': 'buyer_type', 'dim_value': buyer_type, 'dim_order': null},
    {'dim': 'operation', 'dim_value': coalesce(operation_id, 'unknown'), 'dim_order': null},
    {'dim': 'operation_commune', 'dim_value': coalesce(operation_commune, 'unknown'), 'dim_order': null},
    {'dim': 'operation_epci', 'dim_value': coalesce(operation_epci, 'unknown'), 'dim_order': null},
    {'dim': 'operation_departement', 'dim_value': coalesce(operation_departement, 'unknown'), 'dim_order': null}
]
