-- mart_landlord_benchmark: the distribution of each benchmark indicator over the landlords, anonymous.
-- Answers: for each listed indicator (clause share, shares of women, QPV residents and tenants,
--          hours per participant, dynamic exit rate; not hours per million euros nor the
--          realisation rate, whose denominators are published by name: see int_landlord_values), every
--          landlord's published value, sorted; the viewer (the landlord looking) is named, every
--          other landlord is labelled only by its position in this list ('Rang 3'), drawn afresh
--          for each indicator and scope: nothing else about it is published (no SIRET, amount, size,
--          number of contracts or participants), so no row can be joined to another indicator or to
--          a public DECP figure (docs/secrecy_landlords.md).
-- Grain: one row per indicator x landlord with a published value, in the chosen scope; an
--        indicator whose list is not publishable (int_landlord_values) has no rows.
-- Parameters: viewer (SIREN, or a SIRET of it, of the landlord organisation looking, optional), year_from, year_to (as
--             int_landlord_indicators), scope ('region': all landlords, default; 'peers': the
--             viewer's size band, no rows without a viewer).
-- Columns: indicator, scope, peer_group (size band of a 'peers' list, else null), position
--          (1 = lowest value; the viewer first among equal values), n_landlords (rows of the list),
--          landlord_label (the viewer's name, else int_anonymous_label(position)), is_viewer,
--          buyer_siren (the viewer's only), value (rounded: int_landlord_rounded).
-- Masking: masked landlords are absent (int_landlord_indicators); lists of fewer than
--          int_landlord_min_group() landlords are absent.
create or replace macro mart_landlord_benchmark(
    viewer := null, year_from := null, year_to := null, scope := 'region'
) as table
with vals as materialized (
    select * from int_landlord_values(year_from := year_from, year_to := year_to)
),

viewer_band as (
    select any_value(b.size_band) as band from int_landlord_size_band as b where b.buyer_siren = int_siren(viewer)
),

listed as (
    select
        v.*,
        coalesce(v.buyer_siren = int_siren(viewer), false) as is_viewer_row
    from vals as v
    where v.is_listed
      and ((coalesce(scope, 'region') = 'region' and v.region_published)
           or (scope = 'peers' and v.peers_published and v.size_band = (select vb.band from viewer_band as vb)))
),

positioned as (
    select
        l.*,
        row_number() over (
            partition by l.indicator
            order by l.value, l.is_viewer_row desc, md5(l.indicator || l.buyer_siren)) as list_position,
        count(*) over (partition by l.indicator) as list_size
    from listed as l
)

select
    p.indicator,
    coalesce(scope, 'region') as scope,
    case when scope = 'peers' then p.size_band end as peer_group,
    p.list_position as position,
    p.list_size as n_landlords,
    case when p.is_viewer_row then coalesce(lb.label, p.buyer_siren)
         else int_anonymous_label(p.list_position) end as landlord_label,
    p.is_viewer_row as is_viewer,
    case when p.is_viewer_row then p.buyer_siren end as buyer_siren,
    p.value
from positioned as p
left join int_dimension_labels as lb on lb.dim = 'buyer' and lb.dim_value = p.buyer_siren
order by p.indicator_order, p.list_position
