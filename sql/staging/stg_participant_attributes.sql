-- stg_participant_attributes: one value per participant for the attributes a person has once.
-- Answers: which sex, birth year and QPV residence every page uses for a person whose lines (in one
--          file or several) disagree, and the tenant status per maître d'ouvrage (one can be the
--          tenant of one landlord and not of another). Rule: the latest line that states the value
--          wins (latest start date, then the last file by name, then the last record of the file);
--          a line that leaves the value empty never erases one given elsewhere.
-- Grain: one row per (participant_id, buyer_siret) having lines; the person-level columns repeat on
--        each row of a person.
-- Columns: participant_id, buyer_siret, gender, birth_year, qpv_resident (person level),
--          tenant_of_buyer (person x buyer), n_gender_values, n_birth_year_values,
--          n_qpv_resident_values, n_tenant_values (distinct non-null values read: > 1 = conflict).
with lines as (
    select participant_id, buyer_siret, gender, birth_year, qpv_resident, tenant_of_buyer,
           start_date, source_file, record_no
    from clause_hours
    where participant_id is not null
),

people as (
    select
        participant_id,
        arg_max(gender, (start_date, source_file, record_no)) filter (where gender is not null) as gender,
        arg_max(birth_year, (start_date, source_file, record_no)) filter (where birth_year is not null)
            as birth_year,
        arg_max(qpv_resident, (start_date, source_file, record_no)) filter (where qpv_resident is not null)
            as qpv_resident,
        count(distinct gender) as n_gender_values,
        count(distinct birth_year) as n_birth_year_values,
        count(distinct qpv_resident) as n_qpv_resident_values
    from lines
    group by participant_id
),

tenancy as (
    select
        participant_id,
        buyer_siret,
        arg_max(tenant_of_buyer, (start_date, source_file, record_no)) filter (where tenant_of_buyer is not null)
            as tenant_of_buyer,
        count(distinct tenant_of_buyer) as n_tenant_values
    from lines
    group by participant_id, buyer_siret
)

select
    t.participant_id,
    t.buyer_siret,
    p.gender,
    p.birth_year,
    p.qpv_resident,
    t.tenant_of_buyer,
    p.n_gender_values,
    p.n_birth_year_values,
    p.n_qpv_resident_values,
    t.n_tenant_values
from tenancy as t
join people as p using (participant_id)
