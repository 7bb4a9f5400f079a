-- int_participant_dimensions_all: every participant's whole path once per breakdown dimension.
-- materialized: table
-- Answers: int_participant_dimensions_dynamic without filters, computed once at build time and
--          sorted by dimension so that a mart reads only the row groups of its dimension.
-- Grain: one row per participant x dimension x value.
-- Columns: as int_participant_dimensions_dynamic.
select *
from int_participant_dimensions_dynamic()
order by dim
