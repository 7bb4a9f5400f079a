-- mart_organisation: buyers as organisations (SIREN), their identity and their position among peers.
-- Answers: who is buyer X (SIREN, name, type, département, establishments), how much it buys
--          (DECP contracts, amounts, clause share over contracts of known status), and where it
--          stands among the buyers of the same type and size: size band = tercile of the DECP
--          amount over the whole period among the organisations of its type having contracts
--          (ntile 3, ties by SIREN); its clause share against the peers' median and its percentile
--          rank (0 = lowest, 1 = highest) among the peers with at least one contract of known status.
--          Procurement (DECP) figures only: open to every audience.
-- Grain: one row per organisation of int_organisations (one row when `buyer` is given).
-- Parameters: buyer (SIREN, or a SIRET of it; null = every organisation).
-- Columns: buyer_siren, buyer_name, buyer_type, departement_code, departement_name,
--          n_establishments, establishments (list of SIRETs), n_aliases, n_contracts, n_known,
--          n_clause, clause_share, amount, first_year, last_year, size_band (small, medium,
--          large; null without DECP contract), n_peers (same type and band, itself included),
--          peers_median_clause_share, clause_share_rank.
create or replace macro mart_organisation(buyer := null) as table
with decp as (
    select
        c.buyer_siren,
        count(*) as n_contracts,
        count(*) filter (where c.social_info_known) as n_known,
        count(*) filter (where c.has_social_clause) as n_clause,
        sum(c.amount) as amount,
        min(c.year) as first_year,
        max(c.year) as last_year
    from stg_contracts as c
    where c.buyer_siren is not null
    group by all
),

banded as (
    select
        o.*,
        d.n_known,
        d.n_clause,
        d.n_clause / nullif(d.n_known, 0) as clause_share,
        d.amount,
        d.first_year,
        d.last_year,
        case when d.buyer_siren is not null then
            case ntile(3) over (partition by o.buyer_type, d.buyer_siren is not null
                                order by coalesce(d.amount, 0), o.buyer_siren)
                 when 1 then 'small' when 2 then 'medium' else 'large' end end as size_band
    from int_organisations as o
    left join decp as d using (buyer_siren)
),

peers as (
    select
        b.*,
        count(*) over (partition by b.buyer_type, b.size_band) as n_peers,
        median(b.clause_share) over (partition by b.buyer_type, b.size_band) as peers_median_clause_share,
        case when b.clause_share is not null then
            percent_rank() over (partition by b.buyer_type, b.size_band, b.clause_share is not null
                                 order by b.clause_share) end as clause_share_rank
    from banded as b
)

select
    p.buyer_siren,
    p.buyer_name,
    p.buyer_type,
    p.departement_code,
    dep.departement_name,
    p.n_establishments,
    p.establishments,
    p.n_aliases,
    coalesce(d.n_contracts, 0) as n_contracts,
    coalesce(p.n_known, 0) as n_known,
    coalesce(p.n_clause, 0) as n_clause,
    p.clause_share,
    p.amount,
    p.first_year,
    p.last_year,
    p.size_band,
    case when p.size_band is not null then p.n_peers end as n_peers,
    case when p.size_band is not null then p.peers_median_clause_share end as peers_median_clause_share,
    case when p.size_band is not null then p.clause_share_rank end as clause_share_rank
from peers as p
left join decp as d using (buyer_siren)
left join ref_departements as dep on dep.departement_code = p.departement_code
where buyer is null or p.buyer_siren = int_siren(buyer)
order by p.buyer_name, p.buyer_siren
