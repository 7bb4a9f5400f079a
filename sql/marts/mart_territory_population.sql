-- mart_territory_population: population of the territories (for rates per inhabitant on maps).
-- Answers: how many inhabitants each département, EPCI or commune of the reference extract has.
-- Grain: one row per territory of the requested level.
-- Parameters: level ('departement', 'epci' or 'commune').
-- Columns: code, label, population.
create or replace macro mart_territory_population(level) as table
with communes as (
    select c.commune_code, c.commune_name, c.departement_code, c.epci_code, c.population
    from ref_communes as c
)

select
    case level when 'departement' then c.departement_code
               when 'epci' then c.epci_code
               else c.commune_code end as code,
    any_value(case level when 'departement' then d.departement_name
                         when 'epci' then e.epci_name
                         else c.commune_name end) as label,
    sum(c.population) as population
from communes as c
left join ref_departements as d on d.departement_code = c.departement_code
left join ref_epci as e on e.epci_code = c.epci_code
where level in ('departement', 'epci', 'commune')
group by 1
having code is not null
order by code
