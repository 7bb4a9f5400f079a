-- int_dimension_labels: French labels of the dimension values of the breakdown marts.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: the name of a territory, CPV division, buyer or operation, and the French label of a
--          code (buyer type, sector, public, yes/no, amount bracket...: stg_codes, through the
--          dimension -> code domain list below), per dimension name of the breakdown marts;
--          `unknown` is « Non renseigné » where the domain has no label of its own.
--          A buyer is an organisation (SIREN, int_organisations: the register's name, else its most
--          frequent one); its establishments (SIRETs) and the malformed identifiers resolved to it
--          carry the organisation's name too. An operation is named `CODE · Name`.
-- Grain: one row per dimension x value.
-- Columns: dim, dim_value, label.
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

-- which code domain of stg_codes labels the values of a breakdown dimension
code_dims as (
    select * from (values
        ('buyer_type', 'buyer_type'), ('sector', 'sector'), ('procedure', 'procedure'),
        ('nature', 'nature'), ('amount_bracket', 'amount_bracket'), ('format_version', 'format_version'),
        ('supplier_siae', 'supplier_siae'), ('landlord', 'buyer_group'), ('trade', 'trade'),
        ('contract_kind', 'contract_kind'), ('gender', 'gender'), ('age_band', 'age_band'),
        ('qualification', 'qualification_level'), ('public', 'public'), ('modality', 'modality'),
        ('employment_contract_type', 'employment_contract_type'), ('qpv_resident', 'yes_no'),
        ('tenant_of_buyer', 'yes_no'), ('pooled', 'yes_no')
    ) as t(dim, domain)
),

code_labels as (
    select d.dim, c.code as dim_value, c.label
    from code_dims as d
    join stg_codes as c on c.domain = d.domain
),

named as (
    select 'departement' as dim, * from departements
    union all select 'operation_departement', * from departements
    union all select 'epci', * from epcis
    union all select 'operation_epci', * from epcis
    union all select 'residence_epci', * from epcis
    union all select 'operation_commune', * from communes
    union all select 'residence_commune', * from communes
    union all select 'buyer', * from buyers
    union all select 'landlord', * from buyers
    union all select 'operation', * from operations
    union all select 'cpv_division', * from cpv
    union all select * from code_labels
),

unknown_labels as (
    -- every dimension of the breakdown marts, for its `unknown` row
    select distinct dim from (
        select dim from named
        union all select unnest(['year', 'exit_year', 'last_modality', 'last_buyer', 'last_operation'])
    )
)

select dim, dim_value, label from named
union all
select u.dim, c.code, c.label
from unknown_labels as u
join stg_codes as c on c.domain = 'row' and c.code = 'unknown'
where not exists (select 1 from named as n where n.dim = u.dim and n.dim_value = 'unknown')
