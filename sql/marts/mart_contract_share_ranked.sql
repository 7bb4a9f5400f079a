-- mart_contract_share_ranked: the rows of mart_contract_share with the ranks the pages draw.
-- Answers: per value of `dimension`, the share chosen by `ranked_by`, whether the row has enough
--          contracts of known status to be ranked (setting ranking_min_contracts, passed as
--          min_known), its rank from the highest and from the lowest share among those rows (ties:
--          more contracts of known status first, then the breakdown's order), and its rank by number
--          of contracts (the largest rows a chart keeps when there are too many). Procurement data:
--          never masked.
-- Grain: one row per value of `dimension` + the total row, as mart_contract_share.
-- Parameters: dimension, ranked_by (share_social, share_clause, share_criterion, share_reserved,
--             amount_share_social, amount_share_clause, amount_share_criterion,
--             amount_share_reserved), min_known (default 10), year_from, year_to, departement, epci,
--             buyer_type, landlord, sector (as mart_contract_share).
-- Columns: the columns of mart_contract_share, ranked_share, is_reliable (n_known >= min_known; not
--          the total row), rank_high, rank_low (1 = the highest / lowest share; null for the total,
--          the unknown value, a row without a share or not reliable), size_rank (1 = most contracts;
--          null for the total).
create or replace macro mart_contract_share_ranked(
    dimension, ranked_by := 'share_social', min_known := 10, year_from := null, year_to := null,
    departement := null, epci := null, buyer_type := null, landlord := null, sector := null
) as table
with shares as (
    select *
    from mart_contract_share(dimension, year_from := year_from, year_to := year_to,
                             departement := departement, epci := epci, buyer_type := buyer_type,
                             landlord := landlord, sector := sector)
),

chosen as (
    select
        s.*,
        case ranked_by
            when 'share_social' then s.share_social when 'share_clause' then s.share_clause
            when 'share_criterion' then s.share_criterion when 'share_reserved' then s.share_reserved
            when 'amount_share_social' then s.amount_share_social
            when 'amount_share_clause' then s.amount_share_clause
            when 'amount_share_criterion' then s.amount_share_criterion
            when 'amount_share_reserved' then s.amount_share_reserved
        end as ranked_share,
        not s.is_total and coalesce(s.n_known, 0) >= min_known as is_reliable
    from shares as s
),

flagged as (
    select
        c.*,
        c.is_reliable and c.value <> 'unknown' and c.ranked_share is not null as is_ranked
    from chosen as c
)

select
    f.* exclude (is_ranked),
    case when f.is_ranked then row_number() over (
        partition by f.is_ranked order by f.ranked_share desc, f.n_known desc, f.sort_key) end as rank_high,
    case when f.is_ranked then row_number() over (
        partition by f.is_ranked order by f.ranked_share asc, f.n_known desc, f.sort_key) end as rank_low,
    case when not f.is_total then row_number() over (
        partition by f.is_total order by f.n_contracts desc, f.sort_key) end as size_rank
from flagged as f
order by f.sort_key
