-- int_hours_dimensions: every employment line once per breakdown dimension (long format).
-- materialized: table
-- Answers: which value a line takes for each breakdown of mart_hours; `public` is multi-valued
--          (one row per public of the person, 'none' when no public is given).
-- Grain: one row per line x dimension (x public for the `public` dimension).
--          The lot dimensions are int_lot_dimensions (shared with int_planned_dimensions), the
--          person dimensions int_person_dimensions (shared with the participants' paths).
-- Columns: line_id, participant_id, hours, dim, dim_value, dim_order (total 0, year; the code
--          dimensions are ordered by int_dimension_labels), is_sensitive_value (a
--          sensitive public: stg_codes flag `sensitive`), is_place_dim (a commune, operation or QPV
--          dimension: crossed with a sensitive public it needs the sensitive threshold), filter
--          columns f_year, f_departement, f_epci, f_buyer_type, f_buyer_siren, f_sector,
--          f_operation (int_filter_columns; the public filter is applied through int_hours_lines.publics).
with lines as (
    select * from int_hours_lines
),

single_valued as (
    select
        l.*,
        unnest(
            int_lot_dimensions(l.year, l.trade, l.contract_kind, l.sector, l.buyer_siren, l.buyer_type,
                               l.operation_id, l.operation_commune_code, l.operation_epci_code,
                               l.operation_departement_code)
            || int_person_dimensions(l.gender, l.age_band, l.qualification_level, l.qpv_resident,
                                     l.tenant_of_buyer, l.residence_commune_code, l.residence_epci_code)
            || [{'dim': 'modality', 'dim_value': coalesce(l.modality, 'unknown'), 'dim_order': null},
                {'dim': 'employment_contract_type', 'dim_value': coalesce(l.employment_contract_type, 'unknown'),
                 'dim_order': null}]
        ) as d
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
    coalesce(c.is_sensitive, false) as is_sensitive_value,
    dim in ('residence_commune', 'operation_commune', 'operation', 'qpv_resident') as is_place_dim,
    unnest(int_filter_columns(year, operation_departement_code, operation_epci_code, buyer_type, buyer_siren,
                              sector, operation_id))
from long
left join stg_codes as c on long.dim = 'public' and c.domain = 'public' and c.code = long.dim_value
order by dim  -- row groups per dimension: a mart reads only its own
