-- int_landlord_values: table macro, the benchmark values as they may be published, one per line.
-- Answers: per indicator and landlord having a value, the rounded value (int_landlord_rounded),
--          the landlord's size band, and whether the region list and the size-band lists of this
--          indicator may be published: the region list when it holds at least int_landlord_min_group()
--          landlords; the band lists only when every band that holds a value holds at least that
--          many (all bands or none: otherwise the region list minus the published bands would give
--          a small band's values back); and whether the indicator is listed landlord by landlord:
--          not hours per million euros nor the realisation rate, whose denominators (DECP amount,
--          hours planned) are published by name: a list of h / a with every a public couples each
--          anonymous row to a named landlord through its hours (docs/secrecy_landlords.md); they are
--          published as quartiles and the viewer's rank only.
-- Grain: one row per indicator x landlord with a (not masked, not null) value.
-- Parameters: year_from, year_to (as int_landlord_indicators).
-- Columns: indicator, indicator_order, is_listed, buyer_siren, size_band, value, n_region, n_band,
--          region_published, peers_published.
create or replace macro int_landlord_values(year_from := null, year_to := null) as table
with landlords as materialized (
    select * from int_landlord_indicators(year_from := year_from, year_to := year_to)
),

long as (
    unpivot (
        select buyer_siren, size_band, clause_share, hours_per_million, realisation_rate, women_share,
               qpv_share, tenant_share, hours_per_participant, dynamic_exit_rate
        from landlords
    )
    on clause_share, hours_per_million, realisation_rate, women_share, qpv_share, tenant_share,
       hours_per_participant, dynamic_exit_rate
    into name indicator value exact_value
),

indicators as (
    select * from int_landlord_indicator_list()
),

counted as (
    select
        l.indicator,
        i.indicator_order,
        l.indicator not in ('hours_per_million', 'realisation_rate') as is_listed,
        l.buyer_siren,
        l.size_band,
        int_landlord_rounded(l.indicator, l.exact_value) as value,
        count(*) over (partition by l.indicator) as n_region,
        count(*) over (partition by l.indicator, l.size_band) as n_band
    from long as l
    join indicators as i using (indicator)
    where l.exact_value is not null
)

select
    c.*,
    c.n_region >= int_landlord_min_group() as region_published,
    c.n_region >= int_landlord_min_group()
        and min(c.n_band) over (partition by c.indicator) >= int_landlord_min_group() as peers_published
from counted as c
