-- int_people_published: table macro, the masking steps every people mart of one breakdown applies.
-- Answers: which cells of a breakdown are masked and which are published? A cell is masked by
--          int_cell_masked (siblings = the non-total rows), by its linked mask (int_secrecy_cells,
--          passed as `linked`), or when it holds the very people of a masked linked cell
--          (is_linked_people); the total then by int_total_masked, and everything when the filter
--          set lies outside the bounded space (not allowed). A masked total lists no breakdown row:
--          the presence of a value would say something about its few people.
-- Grain: the rows of `cells` (those under a masked total removed).
-- Parameters: cells (name of a CTE or table with is_total, value, n_participants, is_sensitive,
--             is_linked_people, ...), linked (name of a CTE or table with dim, value, is_masked),
--             dimension (the breakdown), allowed (boolean: the filter set lies in the bounded space).
-- Columns: the columns of `cells` and is_masked.
create or replace macro int_people_published(cells, linked, dimension, allowed) as table
with masked as (
    select t.*,
           int_cell_masked(t.n_participants, t.is_sensitive, t.is_total)
               or coalesce(lk.is_masked, false) or t.is_linked_people as row_masked
    from query_table(cells) as t
    left join query_table(linked) as lk
        on lk.dim = case when t.is_total then 'total' else dimension end
       and lk.value = case when t.is_total then 'total' else t.value end
),

masked_total as (
    select * exclude (row_masked),
           int_total_masked(is_total, row_masked) or not allowed as is_masked
    from masked
)

select * from masked_total
where is_total or not (select bool_or(is_masked) from masked_total where is_total)
