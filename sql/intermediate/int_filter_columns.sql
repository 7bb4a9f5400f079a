-- int_filter_columns: scalar macro, the filter columns of a long-format breakdown table.
-- Answers: under which names a row of int_hours_dimensions or int_planned_dimensions carries the
--          values the global filters test (int_filters_match takes them in this order).
-- Grain: scalar. Parameters: year, departement, epci (of the operation), buyer_type, buyer_siren,
--        sector, operation (operation_id).
-- Returns: struct(f_year, f_departement, f_epci, f_buyer_type, f_buyer_siren, f_sector, f_operation);
--          `unnest(int_filter_columns(...))` in a select list gives the seven columns.
create or replace macro int_filter_columns(year, departement, epci, buyer_type, buyer_siren, sector, operation) as {
    'f_year': year, 'f_departement': departement, 'f_epci': epci, 'f_buyer_type': buyer_type,
    'f_buyer_siren': buyer_siren, 'f_sector': sector, 'f_operation': operation
}
