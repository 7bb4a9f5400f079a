-- int_hours_cells_all: worked hours per breakdown cell without any filter, computed at build time.
-- materialized: table
-- Answers: for every dimension and value of int_hours_dimensions, the people, hours and lines
--          behind it (int_hours_cells), so that mart_hours answers unfiltered page loads without
--          scanning lines.
-- Grain: one row per dimension x value.
-- Columns: dim, value, is_total, dim_order, n_participants, hours_worked, n_employment_contracts,
--          has_sensitive_value, is_place.
select * from int_hours_cells('int_hours_dimensions')
order by dim, value
