-- int_primary_masked: scalar macro, the primary statistical-secrecy rule for a count of people.
-- Answers: is this count masked on its own? Yes when 0 < n < threshold (int_secrecy_threshold of
--          the cell's sensitivity): a cell of 0 people reveals nobody, a missing count (null) is
--          not masked. The secondary and linked rules build on it (int_cell_masked,
--          int_category_masked, int_secrecy_cells).
-- Grain: scalar. Parameters: n (people), sensitive (boolean). Returns: boolean (never null).
create or replace macro int_primary_masked(n, sensitive) as
    coalesce(n, 0) > 0 and n < int_secrecy_threshold(sensitive)
