-- mart_contract_share: share of contracts with a social consideration (indicator 1).
-- Answers: over contracts whose social status is known, how many (and how much money) carry any
--          social consideration, a clause, a criterion, a reservation; with the unknown-status
--          count beside; broken down by one dimension. Procurement data: never masked.
-- Grain: one row per value of `dimension` + one total row (is_total).
-- Parameters: dimension (total, year, buyer_type, landlord, buyer, sector, cpv_division,
--             departement, epci, procedure, nature, amount_bracket, format_version, supplier_siae:
--             titulaire an insertion structure, SIAE label of the consolidated file), year_from,
--             year_to (notification year), departement, epci (place of execution), buyer_type,
--             landlord (buyer SIRET), sector.
-- Columns: dimension, value, label, is_total, sort_key, n_contracts, n_unknown_status, n_known,
--          n_social, n_clause, n_criterion, n_reserved, share_social, share_clause,
--          share_criterion, share_reserved, amount_total, amount_known, amount_social,
--          amount_clause, amount_criterion, amount_reserved, amount_share_social,
--          amount_share_clause, amount_share_criterion, amount_share_reserved.
create or replace macro mart_contract_share(
    dimension, year_from := null, year_to := null, departement := null, epci := null,
    buyer_type := null, landlord := null, sector := null
) as table
with filtered as (
    select *
    from int_contract_dimensions as c
    where c.dim in (dimension, 'total')
      and int_filters_match(
          c.f_year, c.f_departement, c.f_epci, c.f_buyer_type, c.f_buyer_siren, c.f_sector, null,
          year_from, year_to, departement, epci, buyer_type, landlord, sector, null)
),

cells as (
    select
        dim = 'total' as is_total,
        dim_value as value,
        min(dim_order) as dim_order,
        count(*) as n_contracts,
        count(*) filter (where not social_info_known) as n_unknown_status,
        count(*) filter (where social_info_known) as n_known,
        count(*) filter (where has_social_consideration) as n_social,
        count(*) filter (where has_social_clause) as n_clause,
        count(*) filter (where has_social_criterion) as n_criterion,
        count(*) filter (where is_reserved) as n_reserved,
        coalesce(sum(amount), 0) as amount_total,
        coalesce(sum(amount) filter (where social_info_known), 0) as amount_known,
        coalesce(sum(amount) filter (where has_social_consideration), 0) as amount_social,
        coalesce(sum(amount) filter (where has_social_clause), 0) as amount_clause,
        coalesce(sum(amount) filter (where has_social_criterion), 0) as amount_criterion,
        coalesce(sum(amount) filter (where is_reserved), 0) as amount_reserved
    from filtered
    group by all
),

total_if_empty as (
    -- the total row exists even when no contract passes the filters
    select * from cells
    union all
    select true, 'total', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    where not exists (select 1 from cells where is_total)
)

select
    dimension as dimension, value, label, is_total, sort_key,
    n_contracts, n_unknown_status, n_known, n_social, n_clause, n_criterion, n_reserved,
    -- share_social, share_clause, share_criterion, share_reserved (over the known statuses)
    columns('^n_(social|clause|criterion|reserved)$') / nullif(n_known, 0) as 'share_\1',
    amount_total, amount_known, amount_social, amount_clause, amount_criterion, amount_reserved,
    -- amount_share_social ... amount_share_reserved (over the amounts of known statuses)
    columns('^amount_(social|clause|criterion|reserved)$') / nullif(amount_known, 0) as 'amount_share_\1'
from int_breakdown_rows('total_if_empty', 'mart_contract_share', dimension,
                        ['total', 'year', 'buyer_type', 'landlord', 'buyer', 'sector', 'cpv_division', 'departement', 'epci', 'procedure', 'nature', 'amount_bracket', 'format_version', 'supplier_siae'],
                        'n_contracts')
order by sort_key
