-- stg_clause_hours: employment-contract lines of participants, with their territories resolved.
-- Answers: for each line, who (pseudonymous id and attributes), where (operation and residence
--          commune, département, EPCI), when (year of start), for whom (buyer) and how many hours.
--          Sex, birth year and QPV residence are the person's one value, tenant status the
--          person's one value for the line's buyer (stg_participant_attributes: latest line wins), so
--          that no mart counts a person under two values; the age band follows the resolved birth
--          year (age at the line's start), else the line's own band.
-- Grain: one row per `clause_hours` row (line_id is a stable surrogate key).
-- Columns: line_id, the `clause_hours` columns but hours_worked, then operation_departement_code,
--          operation_epci_code, buyer_siren (stg_operation_place), residence_epci_code, year,
--          hours (hours_worked, 0 when missing).
with source as (
    select * from clause_hours
),

placed as (
    select * from stg_operation_place(source)
),

attributes as (
    select participant_id, buyer_siret, gender, birth_year, qpv_resident, tenant_of_buyer
    from stg_participant_attributes
),

communes as (
    select commune_code, epci_code from ref_communes
)

select
    row_number() over (order by p.source_file, p.record_no) as line_id,
    p.* exclude (hours_worked) replace (
        case when p.participant_id is null then p.gender else a.gender end as gender,
        case when p.participant_id is null then p.birth_year else a.birth_year end as birth_year,
        case
            when p.participant_id is not null and a.birth_year is not null
                then case when year(p.start_date) - a.birth_year < 26 then '<26'
                          when year(p.start_date) - a.birth_year < 50 then '26-49'
                          else '50+' end
            else p.age_band
        end as age_band,
        coalesce(p.publics, []::varchar[]) as publics,
        case when p.participant_id is null then p.qpv_resident else a.qpv_resident end as qpv_resident,
        case when p.participant_id is null then p.tenant_of_buyer else a.tenant_of_buyer end as tenant_of_buyer
    ),
    rc.epci_code as residence_epci_code,
    year(p.start_date) as year,
    coalesce(p.hours_worked, 0) as hours
from placed as p
left join communes as rc on rc.commune_code = p.residence_commune_code
left join attributes as a
    on a.participant_id = p.participant_id and a.buyer_siret is not distinct from p.buyer_siret
