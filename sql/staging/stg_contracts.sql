-- stg_contracts: DECP contracts with the derived fields every procurement mart needs.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: for each contract, its social status (known or not, and which considerations), its
--          amount bracket and its labels.
-- Grain: one row per contract (buyer_siret + contract_id), as in `contracts`.
-- Columns: the `contracts` columns used downstream + has_social_consideration (null when unknown),
--          social_status (unknown, none, considered), amount_bracket, amount_bracket_order,
--          social_considerations_text, supplier_siae (true when the current titulaires include an
--          insertion structure, label SIAE of the consolidated national file; null when unknown),
--          buyer_siren (the buyer's organisation, stg_buyer_establishments; null when unresolved).
with source as (
    select * from contracts
),

labels as (
    -- contract_labels: written by the consolidated national DECP file only
    select buyer_siret, contract_id, bool_or(supplier_siae) as supplier_siae
    from contract_labels
    group by all
),

organisations as (
    select buyer_siret, buyer_siren from stg_buyer_establishments
),

derived as (
    select
        buyer_siret,
        contract_id,
        o.buyer_siren,
        buyer_name,
        coalesce(buyer_type, 'other') as buyer_type,
        nature,
        object,
        cpv_code,
        cpv_division,
        sector,
        procedure,
        notification_date,
        year,
        amount,
        amount_flag,
        duration_months,
        place_code,
        place_type,
        commune_code,
        departement_code,
        epci_code,
        territory_status,
        territory_reason,
        coalesce(social_info_known, false) as social_info_known,
        case when coalesce(social_info_known, false) then coalesce(has_social_clause, false) end
            as has_social_clause,
        case when coalesce(social_info_known, false) then coalesce(has_social_criterion, false) end
            as has_social_criterion,
        case when coalesce(social_info_known, false) then coalesce(is_reserved, false) end
            as is_reserved,
        social_considerations,
        array_to_string(social_considerations, '; ') as social_considerations_text,
        format_version,
        source_file,
        l.supplier_siae
    from source
    left join labels as l using (buyer_siret, contract_id)
    left join organisations as o using (buyer_siret)
),

bracketed as (
    select
        *,
        case when social_info_known
             then has_social_clause or has_social_criterion or is_reserved end
            as has_social_consideration,
        case when not social_info_known then 'unknown'
             when has_social_clause or has_social_criterion or is_reserved then 'considered'
             else 'none' end
            as social_status,
        case when amount is null then 'unknown'
             when amount < 40000 then 'lt_40k'
             when amount < 90000 then '40k_90k'
             when amount < 221000 then '90k_221k'
             when amount < 1000000 then '221k_1m'
             when amount < 5538000 then '1m_5_5m'
             else 'ge_5_5m' end
            as amount_bracket
    from derived
)

-- the brackets' display order comes from the code table (stg_amount_brackets)
select b.*, ab.bracket_order as amount_bracket_order
from bracketed as b
left join stg_amount_brackets as ab using (amount_bracket)
