-- int_contract_dimensions: every contract once per breakdown dimension (long format).
-- materialized: table
-- Answers: which value each contract takes for each breakdown of the procurement marts, so that
--          one macro (mart_contract_share) serves every breakdown with the same filters.
-- Grain: one row per contract x dimension (dimensions: total, year, buyer_type, landlord, buyer,
--        sector, cpv_division, departement, epci, procedure, nature, amount_bracket, format_version,
--        supplier_siae: siae / other / unknown, from the titulaire labels of the consolidated file).
-- Columns: buyer_siret, contract_id, dim, dim_value ('unknown' when missing), dim_order (natural
--          order when the dimension has one, else null), filter columns f_year, f_departement,
--          f_epci, f_buyer_type, f_buyer_siren, f_sector, and the measures social_info_known,
--          has_social_consideration, has_social_clause, has_social_criterion, is_reserved, amount.
with contracts as (
    select * from stg_contracts
),

long as (
    select
        c.*,
        unnest([
            {'dim': 'total', 'dim_value': 'total', 'dim_order': 0},
            {'dim': 'year', 'dim_value': coalesce(c.year::varchar, 'unknown'), 'dim_order': c.year},
            {'dim': 'buyer_type', 'dim_value': c.buyer_type, 'dim_order': null},
            {'dim': 'landlord',
             'dim_value': case when c.buyer_type = 'landlord' then coalesce(c.buyer_siren, 'unknown')
                               else 'other_buyers' end,
             'dim_order': case when c.buyer_type = 'landlord' then null else 999999 end},
            {'dim': 'buyer', 'dim_value': coalesce(c.buyer_siren, 'unknown'), 'dim_order': null},
            {'dim': 'sector', 'dim_value': coalesce(c.sector, 'unknown'), 'dim_order': null},
            {'dim': 'cpv_division', 'dim_value': coalesce(c.cpv_division, 'unknown'),
             'dim_order': try_cast(c.cpv_division as integer)},
            {'dim': 'departement', 'dim_value': coalesce(c.departement_code, 'unknown'), 'dim_order': null},
            {'dim': 'epci', 'dim_value': coalesce(c.epci_code, 'unknown'), 'dim_order': null},
            {'dim': 'procedure', 'dim_value': coalesce(c.procedure, 'unknown'), 'dim_order': null},
            {'dim': 'nature', 'dim_value': coalesce(c.nature, 'unknown'), 'dim_order': null},
            {'dim': 'amount_bracket', 'dim_value': c.amount_bracket, 'dim_order': c.amount_bracket_order},
            {'dim': 'format_version', 'dim_value': coalesce(c.format_version, 'unknown'), 'dim_order': null},
            {'dim': 'supplier_siae',
             'dim_value': case when c.supplier_siae then 'siae' when not c.supplier_siae then 'other'
                               else 'unknown' end,  -- ordered by the codes (int_dimension_labels)
             'dim_order': null}
        ]) as d
    from contracts as c
)

select
    buyer_siret,
    contract_id,
    d.dim as dim,
    d.dim_value as dim_value,
    d.dim_order as dim_order,
    year as f_year,
    departement_code as f_departement,
    epci_code as f_epci,
    buyer_type as f_buyer_type,
    buyer_siren as f_buyer_siren,
    sector as f_sector,
    social_info_known,
    has_social_consideration,
    has_social_clause,
    has_social_criterion,
    is_reserved,
    amount
from long
order by dim  -- row groups per dimension: a mart reads only its own
