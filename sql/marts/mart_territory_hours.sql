-- mart_territory_hours: hours of insertion worked per 1 000 inhabitants of the operation's territory.
-- Answers: per département, EPCI or commune of the operation (the maps of Territoires), the hours
--          worked as mart_hours publishes them, the territory's population
--          (mart_territory_population) and the hours worked per 1 000 inhabitants.
-- Grain: one row per value of `dimension` + the total row, as mart_hours.
-- Parameters: dimension (operation_departement, operation_epci, operation_commune), year_from,
--             year_to, departement, epci, buyer_type, landlord, sector, operation, public (as mart_hours).
-- Columns: the columns of mart_hours, population (null for the total row and the unknown territory),
--          hours_per_1000 (hours_worked / population x 1 000; null when the hours are masked or the
--          population is unknown or zero).
-- Masking: computed from mart_hours' published values only: a masked cell (hours_worked null) has
--          no rate, nothing is computed from the raw hours.
create or replace macro mart_territory_hours(
    dimension, year_from := null, year_to := null, departement := null, epci := null,
    buyer_type := null, landlord := null, sector := null, operation := null, public := null
) as table
with hours as (
    select *
    from mart_hours(dimension, year_from := year_from, year_to := year_to, departement := departement,
                    epci := epci, buyer_type := buyer_type, landlord := landlord, sector := sector,
                    operation := operation, public := public)
),

inhabitants as (
    select p.code, p.population
    from mart_territory_population(replace(dimension, 'operation_', '')) as p
)

select
    h.*,
    i.population,
    h.hours_worked / nullif(i.population, 0) * 1000 as hours_per_1000
from hours as h
left join inhabitants as i on i.code = h.value
