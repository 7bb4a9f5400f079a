-- mart_filter_options: the values the dashboard's global filters offer.
-- Answers: which years, départements, EPCI, buyer types, landlords, sectors and operations exist
--          in the data, with their labels and how many rows carry them.
-- Grain: one row per filter x value.
--          A landlord (and any buyer) is an organisation: its SIREN (int_organisations), whatever
--          establishment (SIRET) or resolved malformed identifier its rows carry; unresolved
--          identifiers are never offered (mart_unresolved_buyers lists them). An operation is its code,
--          labelled `CODE · Name`.
-- Columns: filter, value, label, n_rows.
with counted_rows as (
    -- the rows the filters count: contracts (their year, place of execution, buyer and sector) and
    -- employment lines (their year, the operation's place, the maître d'ouvrage and the operation)
    select year, departement_code, epci_code, buyer_type, buyer_siren, sector, null as operation_id
    from stg_contracts
    union all
    select year, operation_departement_code, operation_epci_code, buyer_type, buyer_siren, null, operation_id
    from int_hours_lines
),

filter_values as (
    select unnest([
        {'filter': 'year', 'value': year::varchar},
        {'filter': 'departement', 'value': departement_code},
        {'filter': 'epci', 'value': epci_code},
        {'filter': 'buyer_type', 'value': buyer_type},
        {'filter': 'landlord', 'value': case when buyer_type = 'landlord' then buyer_siren end},
        {'filter': 'sector', 'value': sector},
        {'filter': 'operation', 'value': operation_id}
    ], recursive := true)
    from counted_rows
),

all_values as (
    select filter, value, count(*)::hugeint as n_rows
    from filter_values
    where value is not null
    group by all
)

select
    a.filter,
    a.value,
    lb.label,
    a.n_rows
from all_values as a
left join int_dimension_labels as lb
    on lb.dim = case a.filter when 'landlord' then 'buyer' else a.filter end
   and lb.dim_value = a.value
order by a.filter, a.value
