-- int_dimension_labels: French labels of dimension values that are not glossary codes.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: the name of a territory, CPV division, buyer, operation or amount bracket, per dimension
--          name of the breakdown marts.
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
    select buyer_siret as dim_value, arg_max(buyer_name, notification_date) as label
    from contracts where buyer_siret is not null and buyer_name is not null group by all
    union all
    select buyer_siret, any_value(buyer_name) from clause_hours
    where buyer_siret is not null and buyer_name is not null
      and buyer_siret not in (select buyer_siret from contracts where buyer_siret is not null and buyer_name is not null)
    group by all
),

operations as (
    select operation_id as dim_value, max(operation_name) as label
    from (select operation_id, operation_name from clause_hours
          union all select operation_id, operation_name from clause_planned)
    where operation_id is not null
    group by all
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

