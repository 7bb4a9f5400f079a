-- int_linked_masks: table macro, the linked masks of the people cells of one filter set's cut.
-- Answers: which cells of int_secrecy_cells (the linked suppression, pipelines/secrecy.py) are masked
--          for the cut the filters designate (int_people_cut), in the given dimensions; nothing
--          when the filter set lies outside the bounded space. Read by mart_hours and
--          mart_participants (family `hours`, all people of a cell: category '*').
-- Grain: one row per dimension x value of the cut (dimensions in `dims`).
-- Parameters: cells ('int_secrecy_cells': built after this layer by pipelines/secrecy.py, so
--             passed by name and read when the mart runs), cell_family (family of the cells), dims (list of dimensions, 'total' for the total cell),
--             year_from, year_to, departement, epci, buyer_type, landlord, sector, operation, public.
-- Columns: dim, value, is_masked.
create or replace macro int_linked_masks(
    cells, cell_family, dims, year_from, year_to, departement, epci, buyer_type, landlord, sector, operation, public
) as table
select c.dim, c.value, c.is_masked
from query_table(cells) as c,
     (select int_people_cut(year_from, year_to, departement, epci, buyer_type, landlord, sector, operation,
                            public) as s) as scope
where c.family = cell_family and list_contains(dims, c.dim) and c.category = '*'
  and c.cut_year = scope.s.cut_year and c.cut_attr = scope.s.cut_attr and c.cut_value = scope.s.cut_value
  and scope.s.allowed
