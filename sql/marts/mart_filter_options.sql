-- mart_filter_options: the values the dashboard's global filters offer.
-- Answers: which years, départements, EPCI, buyer types, landlords, sectors and operations exist
--          in the data, with their labels and how many rows carry them.
-- Grain: one row per filter x value.
--          A landlord (and any buyer) is an organisation: its SIREN (int_organisations), whatever
--          establishment (SIRET) or resolved malformed identifier its rows carry; unresolved
--          identifiers are never offered (mart_unresolved_buyers lists them). An operation is its code,
--          labelled `CODE · Name`.
-- Columns: filter, value, label, n_rows.
with contract_values as (
    select 'year' as filter, year::varchar as value, count(*) as n_rows from stg_contracts
    where year is not null group by all
    union all
    select 'departement', departement_code, count(*) from stg_contracts
    where departement_code is not null group by all
    union all
    select 'epci', epci_code, count(*) from stg_contracts where epci_code is not null group by all
    union all
    select 'buyer_type', buyer_type, count(*) from stg_contracts group by all
    union all
    select 'sector', sector, count(*) from stg_contracts where sector is not null group by all
    union all
    select 'landlord', buyer_siren, count(*) from stg_contracts
    where buyer_type = 'landlord' and buyer_siren is not null group by all
),

line_values as (
    select 'year' as filter, year::varchar as value, count(*) as n_rows from int_hours_lines
    where year is not null group by all
    union all
    select 'departement', operation_departement_code, count(*) from int_hours_lines
    where operation_departement_code is not null group by all
    union all
    select 'epci', operation_epci_code, count(*) from int_hours_lines
    where operation_epci_code is not null group by all
    union all
    select 'buyer_type', buyer_type, count(*) from int_hours_lines group by all
    union all
    select 'landlord', buyer_siren, count(*) from int_hours_lines
    where buyer_type = 'landlord' and buyer_siren is not null group by all
    union all
    select 'operation', operation_id, count(*) from int_hours_lines
    where operation_id is not null group by all
),

all_values as (
    select filter, value, sum(n_rows) as n_rows
    from (select * from contract_values union all select * from line_values)
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
