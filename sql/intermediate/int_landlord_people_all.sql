-- int_landlord_people_all: int_landlord_people over the whole period, computed at build time.
-- materialized: table
-- Answers: the landlords' people figures for unfiltered page loads (see int_landlord_people).
-- Grain: one row per buyer_siren having lines.
-- Columns: as int_landlord_people.
select * from int_landlord_people()
