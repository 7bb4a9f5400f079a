-- int_dimension_labels: French labels of dimension values that are not glossary codes.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: the name of a territory, CPV division, buyer, operation or amount bracket, per dimension
--          name of the breakdown marts. A buyer is an organisation (SIREN, int_organisations: the
--          register's name, else its most frequent one); its establishments (SIRETs) and the
--          malformed identifiers resolved to it carry the organisation's name too. An operation is
--          named by its code and its (most frequent) name: `CODE · Name`.
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

brackets as (
    select amount_bracket as dim_value, label from stg_amount_brackets
)

select 'departement' as dim, * from departements
union all select 'operation_departement', * from departements
union all select 'epci', * from epcis
union all select 'operation_epci', * from epcis
union all select 'residence_epci', * from epcis
union all select 'operation_commune', * from communes
union all select 'residence_commune', * from communes
union all select 'buyer', * from buyers
union all select 'landlord', * from buyers
union all select 'landlord', 'other_buyers', 'Autres acheteurs'
union all select 'operation', * from operations
union all select 'cpv_division', * from cpv
union all select 'amount_bracket', * from brackets
union all select 'supplier_siae', 'siae', 'Titulaire structure d''insertion (SIAE)'
union all select 'supplier_siae', 'other', 'Autres titulaires'

