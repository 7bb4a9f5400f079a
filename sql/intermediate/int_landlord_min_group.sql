-- int_landlord_min_group: scalar macro, the fewest landlords with a value a comparison may rest on.
-- Answers: a distribution of landlords (the region, or a size band) is published for an indicator
--          only when it holds at least this many landlords with a value: 4, so that a landlord
--          looking at its own band still has at least 3 anonymous others (docs/secrecy_landlords.md).
-- Grain: scalar. Parameters: none. Returns: integer.
create or replace macro int_landlord_min_group() as 4
