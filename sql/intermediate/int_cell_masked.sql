-- int_cell_masked: scalar (window) macro, THE statistical-secrecy rule for rows about people.
-- Answers: is this cell masked? Primary: 0 < n < threshold (int_secrecy_threshold). Secondary:
--          among the sibling cells of `sibling_group` (the non-total rows of one breakdown), when
--          exactly one cell is primary-masked, the unmasked cell(s) with the smallest n are masked
--          too, so the masked cell cannot be recomputed from the total and the other cells.
--          A cell of 0 people reveals nobody and is not masked.
-- Grain: scalar evaluated as a window over the query's rows.
-- Parameters: n (people in the cell), sensitive (boolean), sibling_group (partition key; give the
--             total row its own group). Returns: boolean.
create or replace macro int_cell_masked(n, sensitive, sibling_group) as
    (coalesce(n, 0) > 0 and n < int_secrecy_threshold(sensitive))
    or (
        sum(case when coalesce(n, 0) > 0 and n < int_secrecy_threshold(sensitive) then 1 else 0 end)
            over (partition by sibling_group) = 1
        and n = min(case when n >= int_secrecy_threshold(sensitive) then n end)
            over (partition by sibling_group)
    )
