-- int_hours_cells: table macro, the worked-hours cells of a breakdown from the lines' dimension rows.
-- Answers: for each dimension and value of the given rows of int_hours_dimensions (all of them, or
--          those a mart's filters keep), the people, hours and lines behind it and whether the cell
--          holds a sensitive public or a place (for the secrecy threshold).
-- Grain: one row per dimension x value of `rows`.
-- Parameters: rows (name of a CTE or table with the int_hours_dimensions columns).
-- Columns: dim, value, is_total, dim_order, n_participants, hours_worked, n_employment_contracts,
--          has_sensitive_value, is_place.
create or replace macro int_hours_cells(rows) as table
select
    dim,
    dim_value as value,
    dim = 'total' as is_total,
    min(dim_order) as dim_order,
    count(distinct participant_id) as n_participants,
    sum(hours) as hours_worked,
    count(distinct line_id) as n_employment_contracts,
    bool_or(is_sensitive_value) as has_sensitive_value,
    bool_or(is_place_dim) as is_place
from query_table(rows)
group by all
