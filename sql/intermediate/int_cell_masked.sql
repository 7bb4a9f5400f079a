-- int_cell_masked: scalar (window) macro, the within-table statistical-secrecy rule for rows about people.
-- Answers: is this cell masked? Primary: 0 < n < threshold (int_secrecy_threshold). Secondary:
--          among the sibling cells of `sibling_group` (the non-total rows of one breakdown), the
--          hidden sum (people of the primary-masked cells together) must itself reach the threshold
--          and a lone masked cell is never left alone: when one cell is masked, or several whose
--          people add up to less than the threshold, the unmasked cell(s) with the smallest n are
--          masked too. A cell of 0 people reveals nobody and is not masked. The linked protection
--          across tables (filters, years) comes from int_secrecy_cells (pipelines/secrecy.py).
-- Grain: scalar evaluated as a window over the query's rows.
-- Parameters: n (people in the cell), sensitive (boolean), sibling_group (partition key; give the
--             total row its own group). Returns: boolean.
create or replace macro int_cell_masked(n, sensitive, sibling_group) as
    (int_primary_masked(n, sensitive))
    or (
        (sum(case when int_primary_masked(n, sensitive) then 1 else 0 end)
             over (partition by sibling_group) = 1
         or sum(case when int_primary_masked(n, sensitive) then n else 0 end)
             over (partition by sibling_group) between 1 and int_secrecy_threshold(sensitive) - 1)
        and n = min(case when n >= int_secrecy_threshold(sensitive) then n end)
            over (partition by sibling_group)
    )
