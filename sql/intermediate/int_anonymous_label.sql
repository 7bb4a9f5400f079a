-- int_anonymous_label: scalar macro, the label of an anonymous landlord in one published list.
-- Answers: 'Rang 1', 'Rang 2', ...: an anonymous landlord is named only by its position in the
--          list of one indicator (sorted by that indicator's value). The label therefore carries
--          nothing but the value itself: the 'Rang 3' of one indicator is not the 'Rang 3' of
--          another, and no label is stable across indicators, scopes or periods.
-- Grain: scalar. Parameters: n (1-based position in the list). Returns: varchar.
create or replace macro int_anonymous_label(n) as 'Rang ' || n::integer
