-- int_landlord_size_band: each social landlord's size band (its peer group on the Bailleurs page).
-- materialized: table
-- Answers: is a landlord small, medium or large? Terciles (ntile 3, ties by SIREN) of the DECP amount
--          of its contracts over the whole period, among the landlords having at least one DECP
--          contract; a landlord with no DECP contract (execution data only) is 'small'. Computed
--          from public DECP figures only and independent of the year filter, on purpose: the
--          membership of a band is public knowledge, the same for every period and every viewer,
--          so the band is the anonymity set of the benchmark (docs/secrecy_landlords.md).
-- Grain: one row per landlord organisation (SIREN) (buyer_type 'landlord' in DECP or in the execution data).
-- Columns: buyer_siren, amount_all_years (null without DECP contract), size_band.
with landlords as (
    select c.buyer_siren from stg_contracts as c
    where c.buyer_type = 'landlord' and c.buyer_siren is not null
    union
    select l.buyer_siren from int_hours_lines as l
    where l.buyer_type = 'landlord' and l.buyer_siren is not null
),

amounts as (
    select c.buyer_siren, sum(c.amount) as amount_all_years
    from stg_contracts as c
    where c.buyer_siren is not null
    group by all
),

ranked as (
    select
        k.buyer_siren,
        a.amount_all_years,
        case when coalesce(a.amount_all_years, 0) > 0 then
            ntile(3) over (partition by coalesce(a.amount_all_years, 0) > 0
                           order by a.amount_all_years, k.buyer_siren)
        end as tercile
    from landlords as k
    left join amounts as a using (buyer_siren)
)

select
    r.buyer_siren,
    r.amount_all_years,
    case r.tercile when 3 then 'large' when 2 then 'medium' else 'small' end as size_band
from ranked as r
