-- mart_unknown_territories: contracts whose place of execution is not fully resolved.
-- Answers: how many contracts (and how much money) could not be placed in a commune, why, and
--          which place codes caused it.
-- Grain: one row per territory_status x territory_reason x place_type (status other than resolved).
-- Columns: territory_status, territory_reason, place_type, n_contracts, amount, examples (up to 3
--          distinct place codes, list).
select
    coalesce(territory_status, 'unknown') as territory_status,
    territory_reason,
    place_type,
    count(*) as n_contracts,
    sum(amount) as amount,
    list_sort(list_distinct(list(place_code)))[1:3] as examples
from contracts
where coalesce(territory_status, 'unknown') <> 'resolved'
group by all
order by n_contracts desc, territory_status, territory_reason
