-- stg_clause_hours: employment-contract lines of participants, with their territories resolved.
-- Answers: for each line, who (pseudonymous id and attributes), where (operation and residence
--          commune, département, EPCI), when (year of start), for whom (buyer) and how many hours.
--          Sex, birth year and QPV residence are the person's one value, tenant status the
--          person's one value for the line's buyer (stg_participant_attributes: latest line wins), so
--          that no mart counts a person under two values; the age band follows the resolved birth
--          year (age at the line's start), else the line's own band.
-- Grain: one row per `clause_hours` row (line_id is a stable surrogate key).
-- Columns: line_id, the `clause_hours` columns, hours (hours_worked, 0 when missing), year,
--          operation_departement_code, operation_epci_code, residence_epci_code, buyer_siren (the
--          maître d'ouvrage's organisation, stg_buyer_establishments; null when unresolved).
with source as (
    select * from clause_hours
),

attributes as (
    select participant_id, buyer_siret, gender, birth_year, qpv_resident, tenant_of_buyer
    from stg_participant_attributes
),

communes as (
    select commune_code, departement_code, epci_code from ref_communes
)

select
    row_number() over (order by s.source_file, s.record_no) as line_id,
    s.source_file,
    s.record_no,
    s.operation_id,
    s.operation_name,
    s.operation_qpv,
    s.operation_commune_code,
    coalesce(oc.departement_code,
             case when s.operation_commune_code is not null
                  then left(s.operation_commune_code, 2) end) as operation_departement_code,
    oc.epci_code as operation_epci_code,
    s.buyer_siret,
    o.buyer_siren,
    s.buyer_name,
    coalesce(s.buyer_type, 'other') as buyer_type,
    s.contract_id,
    s.lot,
    s.company_siret,
    s.modality,
    s.participant_id,
    case when s.participant_id is null then s.gender else a.gender end as gender,
    case when s.participant_id is null then s.birth_year else a.birth_year end as birth_year,
    case
        when s.participant_id is not null and a.birth_year is not null
            then case when year(s.start_date) - a.birth_year < 26 then '<26'
                      when year(s.start_date) - a.birth_year < 50 then '26-49'
                      else '50+' end
        else s.age_band
    end as age_band,
    s.qualification_level,
    coalesce(s.publics, []::varchar[]) as publics,
    s.residence_commune_code,
    rc.epci_code as residence_epci_code,
    case when s.participant_id is null then s.qpv_resident else a.qpv_resident end as qpv_resident,
    case when s.participant_id is null then s.tenant_of_buyer else a.tenant_of_buyer end as tenant_of_buyer,
    s.employment_contract_type,
    s.start_date,
    s.end_date,
    year(s.start_date) as year,
    coalesce(s.hours_worked, 0) as hours,
    s.outcome_end,
    s.outcome_6m
from source as s
left join communes as oc on oc.commune_code = s.operation_commune_code
left join stg_buyer_establishments as o on o.buyer_siret = s.buyer_siret
left join communes as rc on rc.commune_code = s.residence_commune_code
left join attributes as a
    on a.participant_id = s.participant_id and a.buyer_siret is not distinct from s.buyer_siret
