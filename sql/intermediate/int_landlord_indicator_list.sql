-- int_landlord_indicator_list: the landlord benchmark's indicators, in their display order.
-- Answers: which indicators the landlord comparison has (one list for int_landlord_values and
--          mart_landlord_position, so that both give them in the same order).
-- Grain: one row per indicator.
-- Parameters: none.
-- Columns: indicator, indicator_order.
create or replace macro int_landlord_indicator_list() as table
select * from (values
    ('clause_share', 1), ('hours_per_million', 2), ('realisation_rate', 3), ('women_share', 4),
    ('qpv_share', 5), ('tenant_share', 6), ('hours_per_participant', 7), ('dynamic_exit_rate', 8)
) as t(indicator, indicator_order)
