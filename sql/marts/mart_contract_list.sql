-- mart_contract_list: the contracts behind a figure (drill-down list).
-- Answers: which DECP contracts match the filters, with their public fields and whether execution
--          data exist for them. Procurement data: never masked.
-- Grain: one row per contract (newest notification first), at most max_rows rows.
-- Parameters: year_from, year_to, departement, epci, buyer_type, landlord, sector, social_status
--             (unknown, none, any, clause, criterion, reserved), search (case-insensitive
--             substring of object, buyer name or contract id), max_rows (default 1000).
-- Columns: buyer_siret, buyer_name, buyer_type, contract_id, object, nature, procedure, cpv_code,
--          cpv_division, sector, notification_date, year, amount, amount_flag, duration_months,
--          commune_code, departement_code, epci_code, territory_status, social_info_known,
--          has_social_clause, has_social_criterion, is_reserved, social_considerations,
--          has_execution_data, format_version, source_file.
create or replace macro mart_contract_list(
    year_from := null, year_to := null, departement := null, epci := null, buyer_type := null,
    landlord := null, sector := null, social_status := null, search := null, max_rows := 1000
) as table
with executed as (
    select distinct buyer_siret, contract_id from int_clause_contract_match where has_execution
)

select
    c.buyer_siret,
    c.buyer_name,
    c.buyer_type,
    c.contract_id,
    c.object,
    c.nature,
    c.procedure,
    c.cpv_code,
    c.cpv_division,
    c.sector,
    c.notification_date,
    c.year,
    c.amount,
    c.amount_flag,
    c.duration_months,
    c.commune_code,
    c.departement_code,
    c.epci_code,
    c.territory_status,
    c.social_info_known,
    c.has_social_clause,
    c.has_social_criterion,
    c.is_reserved,
    c.social_considerations_text as social_considerations,
    e.contract_id is not null as has_execution_data,
    c.format_version,
    c.source_file
from stg_contracts as c
left join executed as e on e.buyer_siret = c.buyer_siret and e.contract_id = c.contract_id
where int_filters_match(
    c.year, c.departement_code, c.epci_code, c.buyer_type, c.buyer_siren, c.sector, null,
    year_from, year_to, departement, epci, buyer_type, landlord, sector, null)
  and (social_status is null
       or (social_status = 'unknown' and c.social_status = 'unknown')
       or (social_status = 'none' and c.social_status = 'none')
       or (social_status = 'any' and c.social_status = 'considered')
       or (social_status = 'clause' and c.has_social_clause)
       or (social_status = 'criterion' and c.has_social_criterion)
       or (social_status = 'reserved' and c.is_reserved))
  and (search is null
       or c.object ilike '%' || search || '%'
       or c.buyer_name ilike '%' || search || '%'
       or c.contract_id ilike '%' || search || '%')
order by c.notification_date desc nulls last, c.buyer_siret, c.contract_id
limit max_rows
