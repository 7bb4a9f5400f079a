-- int_hours_dimensions: every employment line once per breakdown dimension (long format).
-- materialized: table
-- Answers: which value a line takes for each breakdown of mart_hours; `public` is multi-valued
--          (one row per public of the person, 'none' when no public is given).
-- Grain: one row per line x dimension (x public for the `public` dimension).
-- Columns: line_id, participant_id, hours, dim, dim_value, dim_order, is_sensitive_value (a
--          sensitive public: stg_codes flag `sensitive`), is_place_dim (a commune, operation or QPV
--          dimension: crossed with a sensitive public it needs the sensitive threshold), filter
--          columns f_year, f_departement, f_epci, f_buyer_type, f_buyer_siren, f_sector,
--          f_operation (the public filter is applied through int_hours_lines.publics).
with lines as (
    select * from int_hours_lines
),

single_valued as (
    select
        l.*,
        unnest([
            {'dim': 'total', 'dim_value': 'total', 'dim_order': 0},
            {'dim': 'year', 'dim_value': coalesce(l.year::varchar, 'unknown'), 'dim_order': l.year},
            {'dim': 'trade', 'dim_value': coalesce(l.trade, 'unknown'), 'dim_order': null},
            {'dim': 'contract_kind', 'dim_value': coalesce(l.contract_kind, 'unknown'), 'dim_order': null},
            {'dim': 'sector', 'dim_value': coalesce(l.sector, 'unknown'), 'dim_order': null},
            {'dim': 'gender', 'dim_value': coalesce(l.gender, 'unknown'), 'dim_order': null},
            {'dim': 'age_band', 'dim_value': coalesce(l.age_band, 'unknown'),
             'dim_order': case l.age_band when '<26' then 1 when '26-49' then 2 when '50+' then 3 else 4 end},
            {'dim': 'qualification', 'dim_value': coalesce(l.qualification_level, 'unknown'),
             'dim_order': case l.qualification_level when 'infra_3' then 1 when '3' then 2
                               when '4' then 3 when '5_plus' then 4 else 5 end},
            {'dim': 'qpv_resident',
             'dim_value': case l.qpv_resident when true then 'yes' when false then 'no' else 'unknown' end,
             'dim_order': null},
            {'dim': 'tenant_of_buyer',
             'dim_value': case l.tenant_of_buyer when true then 'yes' when false then 'no' else 'unknown' end,
             'dim_order': null},
            {'dim': 'residence_commune', 'dim_value': coalesce(l.residence_commune_code, 'unknown'), 'dim_order': null},
            {'dim': 'residence_epci', 'dim_value': coalesce(l.residence_epci_code, 'unknown'), 'dim_order': null},
            {'dim': 'operation_commune', 'dim_value': coalesce(l.operation_commune_code, 'unknown'), 'dim_order': null},
            {'dim': 'operation_epci', 'dim_value': coalesce(l.operation_epci_code, 'unknown'), 'dim_order': null},
            {'dim': 'operation_departement', 'dim_value': coalesce(l.operation_departement_code, 'unknown'), 'dim_order': null},
            {'dim': 'modality', 'dim_value': coalesce(l.modality, 'unknown'), 'dim_order': null},
            {'dim': 'employment_contract_type', 'dim_value': coalesce(l.employment_contract_type, 'unknown'), 'dim_order': null},
            {'dim': 'buyer', 'dim_value': coalesce(l.buyer_siren, 'unknown'), 'dim_order': null},
            {'dim': 'buyer_type', 'dim_value': l.buyer_type, 'dim_order': null},
            {'dim': 'operation', 'dim_value': coalesce(l.operation_id, 'unknown'), 'dim_order': null}
        ]) as d
    from lines as l
),

publics as (
    select
        l.*,
        unnest(case when len(l.publics) = 0 then ['none'] else list_distinct(l.publics) end) as public_value
    from lines as l
),

long as (
    select line_id, participant_id, hours, year, operation_departement_code, operation_epci_code,
           buyer_type, buyer_siren, sector, operation_id, publics,
           d.dim as dim, d.dim_value as dim_value, d.dim_order as dim_order
    from single_valued
    union all
    select line_id, participant_id, hours, year, operation_departement_code, operation_epci_code,
           buyer_type, buyer_siren, sector, operation_id, publics,
           'public', public_value, null
    from publics
)

select
    line_id,
    participant_id,
    hours,
    dim,
    dim_value,
    dim_order,
    dim = 'public' and dim_value in (select code from stg_codes where domain = 'public' and is_sensitive) as is_sensitive_value,
    dim in ('residence_commune', 'operation_commune', 'operation', 'qpv_resident') as is_place_dim,
    year as f_year,
    operation_departement_code as f_departement,
    operation_epci_code as f_epci,
    buyer_type as f_buyer_type,
    buyer_siren as f_buyer_siren,
    sector as f_sector,
    operation_id as f_operation
from long
order by dim  -- row groups per dimension: a mart reads only its own
