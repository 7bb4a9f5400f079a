-- int_hours_cells_all: worked hours per breakdown cell without any filter, computed at build time.
-- materialized: table
-- Answers: for every dimension and value of int_hours_dimensions, the people, hours and lines
--          behind it, so that mart_hours answers unfiltered page loads without scanning lines.
-- Grain: one row per dimension x value.
-- Columns: dim, value, is_total, dim_order, n_participants, hours_worked, n_employment_contracts,
--          has_sensitive_value, is_place.
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
from int_hours_dimensions
group by all
order by dim, value
