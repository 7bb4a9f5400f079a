-- int_total_masked: scalar (window) macro, masks a total that would give back its only sibling.
-- Answers: is this row masked, given row_masked from int_cell_masked? A total row is also masked
--          when the breakdown has exactly one other row and that row is masked (the total would
--          equal it). Evaluate over all rows of one breakdown.
-- Grain: scalar evaluated as a window over the query's rows.
-- Parameters: is_total (boolean), row_masked (boolean). Returns: boolean.
create or replace macro int_total_masked(is_total, row_masked) as
    row_masked
    or (is_total
        and sum(case when not is_total and row_masked then 1 else 0 end) over () = 1
        and sum(case when not is_total and not row_masked then 1 else 0 end) over () = 0)
