-- int_clause_contract_match: DECP contracts declaring a clause matched with execution data.
-- materialized: table
-- Answers: which contracts declare a clause without execution data, which execution data sit on
--          contracts that declare none (2022 format), whose status is unknown (2019 format) or
--          that are not found in DECP.
-- Grain: one row per contract key (buyer_siret, contract_id) present in DECP with a declared
--        clause or present in the execution data (clause_hours or clause_planned; rows without a
--        contract_id are keyed by their operation).
-- Columns: buyer_siret, contract_id, buyer_name, buyer_type, status (matched, declared_no_execution,
--          execution_not_declared, execution_status_unknown, execution_not_in_decp), object, year,
--          amount, departement_code, epci_code, hours_planned, n_execution_lines, in_decp,
--          declares_clause, has_execution.
with decp as (
    select * from stg_contracts
),

execution_lines as (
    select buyer_siret, coalesce(contract_id, 'operation:' || coalesce(operation_id, '?')) as contract_id,
           any_value(buyer_name) as buyer_name, any_value(buyer_type) as buyer_type,
           count(*) as n_execution_lines, min(year) as first_year,
           any_value(operation_departement_code) as departement_code,
           any_value(operation_epci_code) as epci_code
    from stg_clause_hours
    group by all
),

execution_planned as (
    select buyer_siret, coalesce(contract_id, 'operation:' || coalesce(operation_id, '?')) as contract_id,
           any_value(buyer_name) as buyer_name, any_value(buyer_type) as buyer_type,
           sum(planned_hours) as hours_planned, any_value(contract_object) as object,
           min(year) as first_year,
           any_value(operation_departement_code) as departement_code,
           any_value(operation_epci_code) as epci_code
    from int_planned_lots
    group by all
),

execution as (
    select
        coalesce(l.buyer_siret, p.buyer_siret) as buyer_siret,
        coalesce(l.contract_id, p.contract_id) as contract_id,
        coalesce(l.buyer_name, p.buyer_name) as buyer_name,
        coalesce(l.buyer_type, p.buyer_type) as buyer_type,
        coalesce(l.n_execution_lines, 0) as n_execution_lines,
        p.hours_planned,
        p.object,
        coalesce(p.first_year, l.first_year) as first_year,
        coalesce(p.departement_code, l.departement_code) as departement_code,
        coalesce(p.epci_code, l.epci_code) as epci_code
    from execution_lines as l
    full join execution_planned as p
        on p.buyer_siret is not distinct from l.buyer_siret and p.contract_id = l.contract_id
),

keys as (
    select buyer_siret, contract_id from decp where has_social_clause
    union
    select buyer_siret, contract_id from execution
),

joined as (
    select
        k.buyer_siret,
        k.contract_id,
        coalesce(d.buyer_name, e.buyer_name) as buyer_name,
        coalesce(d.buyer_type, e.buyer_type, 'other') as buyer_type,
        d.contract_id is not null as in_decp,
        coalesce(d.has_social_clause, false) as declares_clause,
        d.social_info_known,
        e.contract_id is not null as has_execution,
        coalesce(d.object, e.object) as object,
        coalesce(d.year, e.first_year) as year,
        d.amount,
        coalesce(d.departement_code, e.departement_code) as departement_code,
        coalesce(d.epci_code, e.epci_code) as epci_code,
        e.hours_planned,
        coalesce(e.n_execution_lines, 0) as n_execution_lines
    from keys as k
    left join decp as d
        on d.buyer_siret is not distinct from k.buyer_siret and d.contract_id = k.contract_id
    left join execution as e
        on e.buyer_siret is not distinct from k.buyer_siret and e.contract_id = k.contract_id
)

select
    buyer_siret,
    contract_id,
    buyer_name,
    buyer_type,
    case when declares_clause and has_execution then 'matched'
         when declares_clause then 'declared_no_execution'
         when not in_decp then 'execution_not_in_decp'
         when social_info_known then 'execution_not_declared'
         else 'execution_status_unknown' end as status,
    object,
    year,
    amount,
    departement_code,
    epci_code,
    hours_planned,
    n_execution_lines,
    in_decp,
    declares_clause,
    has_execution
from joined
