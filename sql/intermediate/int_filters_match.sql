-- int_filters_match: scalar macro, the global filters of the dashboard applied to one row.
-- Answers: is this row (contract, lot, line or dimension row) kept by the filter set? A filter
--          left null keeps every row; a set filter keeps the rows whose value equals it (years:
--          int_in_range). A mart without a filter passes null for both its value and its filter.
-- Grain: scalar.
-- Parameters (positional): the row's year, departement_code, epci_code, buyer_type, buyer_siren,
--             sector, operation_id; then the filters year_from, year_to, departement, epci,
--             buyer_type, landlord (an organisation: SIREN, or a SIRET designating its
--             organisation, int_siren), sector, operation. Returns: boolean.
create or replace macro int_filters_match(
    row_year, row_departement, row_epci, row_buyer_type, row_buyer_siren, row_sector, row_operation,
    year_from, year_to, departement, epci, buyer_type, landlord, sector, operation
) as
    int_in_range(row_year, year_from, year_to)
    and (departement is null or row_departement = departement)
    and (epci is null or row_epci = epci)
    and (buyer_type is null or row_buyer_type = buyer_type)
    and (landlord is null or row_buyer_siren = int_siren(landlord))
    and (sector is null or row_sector = sector)
    and (operation is null or row_operation = operation)
