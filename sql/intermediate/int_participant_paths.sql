-- int_participant_paths: table macro, each participant's path within the global filters.
-- Answers: for each person, over their lines kept by the filters: hours, employment and
--          procurement contracts, path dates and length, attributes, and their last line (outcome
--          at the end and at +6 months, modality, buyer, operation) for exits.
-- Grain: one row per participant_id having at least one line within the filters.
-- Parameters: year_from, year_to (year of line start), departement, epci (of the operation),
--             buyer_type, landlord (buyer SIRET), sector, operation, public (people having it);
--             cuts (default false): instead of the filters, one path per participant and cut of
--             the bounded filter space (cut_year '*' or the line's year x int_line_cuts), for the
--             secrecy build (int_secrecy_counts).
-- Columns: participant_id, hours_worked, n_employment_contracts, n_procurement_contracts,
--          path_start, path_end (null while a line is open), path_months, gender, age_band (at
--          path start), qualification (latest), qpv_resident, tenant_of_buyer (of any buyer),
--          residence_commune, residence_epci (latest), publics, modalities, buyers, operations (lists),
--          last_end_date, last_outcome_end, last_outcome_6m, last_modality, last_buyer,
--          last_operation, last_operation_commune, last_operation_epci, last_operation_departement,
--          is_leaver, exit_year.
create or replace macro int_participant_paths(
    year_from := null, year_to := null, departement := null, epci := null, buyer_type := null,
    landlord := null, sector := null, operation := null, public := null, cuts := false
) as table
with filtered as (
    select *, null::varchar as cut_year, null::varchar as cut_attr, null::varchar as cut_value
    from int_hours_lines as l
    where not cuts
      and l.participant_id is not null
      and int_filters_match(
          l.year, l.operation_departement_code, l.operation_epci_code, l.buyer_type, l.buyer_siren, l.sector, l.operation_id,
          year_from, year_to, departement, epci, buyer_type, landlord, sector, operation)
      and (public is null or list_contains(l.publics, public))
),

cut_lines as (
    select * exclude (c), c.cut_attr, c.cut_value
    from (
        select l.*, y.cut_year,
               unnest(int_line_cuts(l.operation_departement_code, l.operation_epci_code, l.buyer_type,
                                    l.buyer_siren, l.sector, l.operation_id, l.publics)) as c
        from int_hours_lines as l, unnest(['*', coalesce(l.year::varchar, 'unknown')]) as y(cut_year)
        where cuts and l.participant_id is not null
    )
),

lines as (
    select * from filtered
    union all by name
    select * from cut_lines
),

paths as (
    select
        cut_year,
        cut_attr,
        cut_value,
        participant_id,
        sum(hours) as hours_worked,
        count(*) as n_employment_contracts,
        count(distinct procurement_key) as n_procurement_contracts,
        min(start_date) as path_start,
        case when bool_and(end_date is not null) then max(end_date) end as path_end,
        arg_min(gender, start_date) as gender,
        arg_min(age_band, start_date) as age_band,
        arg_max(qualification_level, start_date) as qualification,
        bool_or(qpv_resident) as qpv_resident,
        bool_or(tenant_of_buyer) as tenant_of_buyer,
        arg_max(residence_commune_code, start_date) as residence_commune,
        arg_max(residence_epci_code, start_date) as residence_epci,
        list_sort(list_distinct(flatten(list(publics)))) as publics,
        list_sort(list_distinct(list(modality))) as modalities,
        list_sort(list_distinct(list(buyer_siren))) as buyers,
        list_sort(list_distinct(list(operation_id))) as operations,
        -- the last line: latest end date, an open line (no end date) counting as the latest
        arg_max(
            {'end_date': end_date, 'outcome_end': outcome_end, 'outcome_6m': outcome_6m,
             'modality': modality, 'buyer_siren': buyer_siren, 'operation_id': operation_id,
             'commune': operation_commune_code, 'epci': operation_epci_code,
             'departement': operation_departement_code},
            (coalesce(end_date, date '9999-12-31'), start_date, line_id)) as last_line
    from lines
    group by cut_year, cut_attr, cut_value, participant_id
)

select
    p.* exclude (last_line),
    datediff('day', p.path_start, coalesce(p.path_end, (select s.built_on from stg_settings as s))) / 30.4375 as path_months,
    p.last_line.end_date as last_end_date,
    p.last_line.outcome_end as last_outcome_end,
    p.last_line.outcome_6m as last_outcome_6m,
    p.last_line.modality as last_modality,
    p.last_line.buyer_siren as last_buyer,
    p.last_line.operation_id as last_operation,
    p.last_line.commune as last_operation_commune,
    p.last_line.epci as last_operation_epci,
    p.last_line.departement as last_operation_departement,
    p.last_line.end_date is not null and p.last_line.end_date <= (select s.built_on from stg_settings as s)
        and coalesce(p.last_line.outcome_end, '') <> 'ongoing' as is_leaver,
    year(p.last_line.end_date) as exit_year
from paths as p
