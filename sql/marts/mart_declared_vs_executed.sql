-- mart_declared_vs_executed: declared vs executed clauses and match rate per buyer (indicator 7).
-- Answers: per buyer, how many DECP contracts declare a clause, how many of them have execution
--          data (match rate), and how many contracts with execution data declare none (2022
--          format), have an unknown status (2019 format) or are not found in DECP. Contract
--          counts: never masked.
-- Grain: one row per buyer SIRET + one total row (is_total).
-- Note: inside a macro an unqualified column named like a parameter reads the parameter:
--       such columns are qualified or renamed here.
-- Parameters: year_from, year_to, departement, epci (of the DECP contract, else of the execution
--             data), buyer_type, landlord (buyer SIRET).
-- Columns: buyer_siret, buyer_name, buyer_type, is_total, sort_key, n_declared_clause,
--          n_declared_with_execution, n_declared_without_execution, n_execution_contracts,
--          n_execution_not_declared, n_execution_status_unknown, n_execution_not_in_decp, match_rate.
create or replace macro mart_declared_vs_executed(
    year_from := null, year_to := null, departement := null, epci := null, buyer_type := null,
    landlord := null
) as table
with filtered as (
    select *
    from int_clause_contract_match as m
    where int_filters_match(
        m.year, m.departement_code, m.epci_code, m.buyer_type, int_siren(m.buyer_siret), null, null,
        year_from, year_to, departement, epci, buyer_type, landlord, null, null)
),

per_buyer as (
    select
        grouping(f.buyer_siret) = 1 as is_total,
        f.buyer_siret,
        any_value(f.buyer_name) as buyer_name,
        any_value(f.buyer_type) as buyer_type_code,
        count(*) filter (where declares_clause) as n_declared_clause,
        count(*) filter (where status = 'matched') as n_declared_with_execution,
        count(*) filter (where status = 'declared_no_execution') as n_declared_without_execution,
        count(*) filter (where has_execution) as n_execution_contracts,
        count(*) filter (where status = 'execution_not_declared') as n_execution_not_declared,
        count(*) filter (where status = 'execution_status_unknown') as n_execution_status_unknown,
        count(*) filter (where status = 'execution_not_in_decp') as n_execution_not_in_decp
    from filtered as f
    group by grouping sets ((f.buyer_siret), ())
)

select
    case when is_total then null else buyer_siret end as buyer_siret,
    case when is_total then 'Total' else buyer_name end as buyer_name,
    case when is_total then null else buyer_type_code end as buyer_type,
    is_total,
    row_number() over (order by is_total, n_declared_clause + n_execution_contracts desc, buyer_siret)
        as sort_key,
    n_declared_clause,
    n_declared_with_execution,
    n_declared_without_execution,
    n_execution_contracts,
    n_execution_not_declared,
    n_execution_status_unknown,
    n_execution_not_in_decp,
    n_declared_with_execution / nullif(n_declared_clause, 0) as match_rate
from per_buyer
order by sort_key
