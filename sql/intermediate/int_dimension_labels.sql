-- int_dimension_labels: French labels of the dimension values of the breakdown marts.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: the name of a territory, CPV division, buyer or operation, and the French label of a
--          code (buyer type, sector, public, yes/no, amount bracket...: stg_codes, through the
--          dimension -> code domain list below), per dimension name of the breakdown marts;
--          `unknown` is « Non renseigné » where the domain has no label of its own. The dimensions
--          whose values have a natural order (age bands, qualification levels, SIAE titulaire) take
--          the codes' sort order (sort_order), which the breakdown marts sort by (int_breakdown_rows).
--          A buyer is an organisation (SIREN, int_organisations: the register's name, else its most
--          frequent one); its establishments (SIRETs) and the malformed identifiers resolved to it
--          carry the organisation's name too. An operation is named `CODE · Name`.
-- Grain: one row per dimension x value.
-- Columns: dim, dim_value, label, sort_order (the code's order in an ordered dimension, else null).
with departements as (
    select departement_code as dim_value, departement_name as label from ref_departements
),

epcis as (
    select epci_code as dim_value, epci_name as label from ref_epci
),

communes as (
    select commune_code as dim_value, any_value(commune_name) as label from ref_communes group by all
),

buyers as (
    select buyer_siren as dim_value, buyer_name as label from int_organisations
    union all
    select e.buyer_siret, o.buyer_name
    from stg_buyer_establishments as e
    join int_organisations as o using (buyer_siren)
    where e.buyer_siret <> e.buyer_siren
    union all
    select e.buyer_siret, e.buyer_name from stg_buyer_establishments as e
    where e.buyer_siren is null and e.buyer_name is not null
),

operations as (
    select operation_id as dim_value, operation_id || ' · ' || operation_name as label
    from int_operations
),

cpv as (
    select cpv_division as dim_value, cpv_division || ' - ' || division_label as label from ref_cpv_divisions
),

-- which code domain of stg_codes labels the values of a breakdown dimension, and whether the
-- dimension's rows follow the codes' order (else the marts sort them by their figure)
code_dims as (
    select * from (values
        ('buyer_type', 'buyer_type', false), ('sector', 'sector', false), ('procedure', 'procedure', false),
        ('nature', 'nature', false), ('amount_bracket', 'amount_bracket', false),
        ('format_version', 'format_version', false), ('supplier_siae', 'supplier_siae', true),
        ('landlord', 'buyer_group', false), ('trade', 'trade', false), ('contract_kind', 'contract_kind', false),
        ('gender', 'gender', false), ('age_band', 'age_band', true), ('qualification', 'qualification_level', true),
        ('public', 'public', false), ('modality', 'modality', false),
        ('employment_contract_type', 'employment_contract_type', false), ('qpv_resident', 'yes_no', false),
        ('tenant_of_buyer', 'yes_no', false), ('pooled', 'yes_no', false)
    ) as t(dim, domain, is_ordered)
),

code_labels as (
    select d.dim, c.code as dim_value, c.label, case when d.is_ordered then c.sort_order end as sort_order
    from code_dims as d
    join stg_codes as c on c.domain = d.domain
),

named as (
    select 'departement' as dim, *, null::integer as sort_order from departements
    union all select 'operation_departement', *, null from departements
    union all select 'epci', *, null from epcis
    union all select 'operation_epci', *, null from epcis
    union all select 'residence_epci', *, null from epcis
    union all select 'operation_commune', *, null from communes
    union all select 'residence_commune', *, null from communes
    union all select 'buyer', *, null from buyers
    union all select 'landlord', *, null from buyers
    union all select 'operation', *, null from operations
    union all select 'cpv_division', *, null from cpv
    union all select * from code_labels
),

unknown_labels as (
    -- every dimension of the breakdown marts, for its `unknown` row
    select distinct dim from (
        select dim from named
        union all select unnest(['year', 'exit_year', 'last_modality', 'last_buyer', 'last_operation'])
    )
)

select dim, dim_value, label, sort_order from named
union all
select u.dim, c.code, c.label, null
from unknown_labels as u
join stg_codes as c on c.domain = 'row' and c.code = 'unknown'
where not exists (select 1 from named as n where n.dim = u.dim and n.dim_value = 'unknown')
