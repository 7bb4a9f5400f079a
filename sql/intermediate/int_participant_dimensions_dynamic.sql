-- int_participant_dimensions_dynamic: table macro, each participant's path once per breakdown
-- dimension, computed from the lines kept by the filters (see int_participant_dimensions).
-- Answers: which value a participant takes for each breakdown of mart_participants and mart_exits.
--          Multi-valued: public (one row per public, 'none' when none), modality, buyer, operation
--          (every value met on the path). Single-valued, from the last line: exit_year,
--          last_modality, last_buyer, last_operation, operation_commune, operation_epci,
--          operation_departement.
-- Grain: one row per participant x dimension x value.
-- Parameters: dimension (only its rows and the total rows are produced; null = every dimension),
--             and the filters of int_participant_paths (year_from, year_to, departement, epci,
--             buyer_type, landlord, sector, operation, public, cuts: one path per cut, see there).
--             `pooled` (yes / no: on 2 procurement contracts or more) is a dimension of the secrecy
--             cells only (the numerator of pooled_share).
-- Columns: the int_participant_paths columns except the lists (publics, modalities, buyers,
--          operations), residence codes and last-line codes + dim, dim_value, dim_order, is_sensitive_value,
--          is_place_dim (commune, operation or QPV dimension).
create or replace macro int_participant_dimensions_dynamic(
    dimension := null, year_from := null, year_to := null, departement := null, epci := null, buyer_type := null,
    landlord := null, sector := null, operation := null, public := null, cuts := false
) as table
with paths as (
    select * from int_participant_paths(
        year_from := year_from, year_to := year_to, departement := departement, epci := epci,
        buyer_type := buyer_type, landlord := landlord, sector := sector, operation := operation,
        public := public, cuts := cuts)
),

single_valued as (
    select
        p.*,
        unnest(list_filter([
            {'dim': 'total', 'dim_value': 'total', 'dim_order': 0},
            {'dim': 'year', 'dim_value': coalesce(year(p.path_start)::varchar, 'unknown'),
             'dim_order': year(p.path_start)},
            {'dim': 'exit_year', 'dim_value': coalesce(p.exit_year::varchar, 'unknown'), 'dim_order': p.exit_year}
        ]
        || int_person_dimensions(p.gender, p.age_band, p.qualification, p.qpv_resident, p.tenant_of_buyer,
                                 p.residence_commune, p.residence_epci)
        || [
            {'dim': 'last_modality', 'dim_value': coalesce(p.last_modality, 'unknown'), 'dim_order': null},
            {'dim': 'last_buyer', 'dim_value': coalesce(p.last_buyer, 'unknown'), 'dim_order': null},
            {'dim': 'last_operation', 'dim_value': coalesce(p.last_operation, 'unknown'), 'dim_order': null},
            {'dim': 'operation_commune', 'dim_value': coalesce(p.last_operation_commune, 'unknown'), 'dim_order': null},
            {'dim': 'operation_epci', 'dim_value': coalesce(p.last_operation_epci, 'unknown'), 'dim_order': null},
            {'dim': 'operation_departement', 'dim_value': coalesce(p.last_operation_departement, 'unknown'),
             'dim_order': null},
            {'dim': 'pooled', 'dim_value': case when p.n_procurement_contracts >= 2 then 'yes' else 'no' end,
             'dim_order': null}
        ], lambda x: dimension is null or x.dim in (dimension, 'total'))) as d
    from paths as p
),

multi_valued as (
    select
        p.*,
        unnest(case when dimension is null or dimension in ('public', 'modality', 'buyer', 'operation') then
            list_filter(
            [{'dim': 'public', 'dim_value': v} for v in
                (case when len(p.publics) = 0 then ['none'] else p.publics end)]
            || [{'dim': 'modality', 'dim_value': coalesce(v, 'unknown')} for v in p.modalities]
            || [{'dim': 'buyer', 'dim_value': coalesce(v, 'unknown')} for v in p.buyers]
            || [{'dim': 'operation', 'dim_value': coalesce(v, 'unknown')} for v in p.operations],
            lambda x: dimension is null or x.dim = dimension)
            else [] end) as m
    from paths as p
),

long as (
    select * exclude (d), d.dim as dim, d.dim_value as dim_value, d.dim_order as dim_order
    from single_valued
    union all
    select * exclude (m), m.dim, m.dim_value, null::integer
    from multi_valued
)

select
    -- the lists and residence codes have served to build the dimensions: left out to keep the
    -- long table narrow (it is sorted and materialised at build time)
    long.* exclude (publics, modalities, buyers, operations, residence_commune, residence_epci,
               last_modality, last_buyer, last_operation, last_operation_commune,
               last_operation_epci, last_operation_departement),
    coalesce(c.is_sensitive, false) as is_sensitive_value,
    dim in ('residence_commune', 'operation_commune', 'operation', 'last_operation', 'qpv_resident')
        as is_place_dim
from long
left join stg_codes as c on long.dim = 'public' and c.domain = 'public' and c.code = long.dim_value
