-- mart_declared_vs_executed_list: the contracts behind mart_declared_vs_executed.
-- Answers: which contracts are matched, declared without execution data, executed without a
--          declared clause, of unknown status, or not found in DECP.
-- Grain: one row per contract key (buyer_siret, contract_id) of int_clause_contract_match.
-- Parameters: status (matched, declared_no_execution, execution_not_declared,
--             execution_status_unknown, execution_not_in_decp; null = all), year_from, year_to,
--             departement, epci, buyer_type, landlord.
-- Columns: buyer_siret, buyer_name, contract_id, status, object, year, amount, hours_planned,
--          n_execution_lines.
create or replace macro mart_declared_vs_executed_list(
    status := null, year_from := null, year_to := null, departement := null, epci := null,
    buyer_type := null, landlord := null
) as table
select
    m.buyer_siret,
    m.buyer_name,
    m.contract_id,
    m.status,
    m.object,
    m.year,
    m.amount,
    m.hours_planned,
    m.n_execution_lines
from int_clause_contract_match as m
where (status is null or m.status = status)
  and int_filters_match(
      m.year, m.departement_code, m.epci_code, m.buyer_type, int_siren(m.buyer_siret), null, null,
      year_from, year_to, departement, epci, buyer_type, landlord, null, null)
order by m.status, m.buyer_siret, m.contract_id
