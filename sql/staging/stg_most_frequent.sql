-- stg_most_frequent: scalar macro, the most frequent value of a group, ties by the smallest value.
-- Answers: which name (type...) is read most often with an identifier? Called on the value counts of
--          the group: `stg_most_frequent(histogram(buyer_name))` (histogram leaves nulls out).
--          In the staging layer so that staging tables can use it (the layers are created in order).
-- Grain: scalar. Parameters: counts (map value -> count, as histogram() gives it).
-- Returns: the value with the highest count, the smallest among equal counts; null for an empty map.
create or replace macro stg_most_frequent(counts) as
    list_sort([{'n': -e.value::bigint, 'value': e.key} for e in map_entries(counts)])[1].value
