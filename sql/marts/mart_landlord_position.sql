-- mart_landlord_position: where a landlord stands among all landlords and among its peers.
-- Answers: for each benchmark indicator, the viewer's value, the regional quartiles and median,
--          the viewer's percentile rank, and the same within its peer group (same size band).
-- Grain: one row per indicator x scope ('region', 'peers').
-- Parameters: viewer (landlord SIRET), year_from, year_to.
-- Columns: indicator, scope, peer_group, viewer_value, n_landlords (with a value), q1, median, q3,
--          percentile_rank (share of the other landlords of the scope with a lower value, 0-1;
--          null when the viewer has no value or is alone).
-- Masking: masked landlord values are absent from mart_landlord_benchmark and so from the
--          distributions; quartiles are computed over at least 3 landlords, else null.
create or replace macro mart_landlord_position(viewer, year_from := null, year_to := null) as table
with benchmark as materialized (
    select * from mart_landlord_benchmark(viewer := viewer, year_from := year_from, year_to := year_to,
                                          anonymise := false)
),

long as (
    unpivot (
        select buyer_siret, size_band, is_viewer, clause_share, hours_per_million, realisation_rate,
               women_share, qpv_share, tenant_share, hours_per_participant, dynamic_exit_rate
        from benchmark
    )
    on clause_share, hours_per_million, realisation_rate, women_share, qpv_share, tenant_share,
       hours_per_participant, dynamic_exit_rate
    into name indicator value indicator_value
),

viewer_band as (
    select any_value(b.size_band) as band from benchmark as b where b.is_viewer
),

scoped as (
    select 'region' as scope, l.* from long as l
    union all
    select 'peers', l.* from long as l where l.size_band = (select band from viewer_band)
),

viewer_values as (
    select s.scope, s.indicator, s.indicator_value as viewer_value from scoped as s where s.is_viewer
),

stats as (
    select
        s.scope,
        s.indicator,
        count(*) as n_landlords,
        case when count(*) >= 3 then quantile_cont(s.indicator_value, 0.25) end as q1,
        case when count(*) >= 3 then quantile_cont(s.indicator_value, 0.5) end as median,
        case when count(*) >= 3 then quantile_cont(s.indicator_value, 0.75) end as q3
    from scoped as s
    group by all
),

indicators as (
    select * from (values
        ('clause_share', 1), ('hours_per_million', 2), ('realisation_rate', 3), ('women_share', 4),
        ('qpv_share', 5), ('tenant_share', 6), ('hours_per_participant', 7), ('dynamic_exit_rate', 8)
    ) as t(indicator, indicator_order)
),

scopes as (
    select * from (values ('region', 1), ('peers', 2)) as t(scope, scope_order)
)

select
    i.indicator,
    sc.scope,
    case when sc.scope = 'peers' then (select band from viewer_band) end as peer_group,
    v.viewer_value,
    coalesce(st.n_landlords, 0) as n_landlords,
    st.q1,
    st.median,
    st.q3,
    case when v.viewer_value is not null and st.n_landlords > 1 then
        (select count(*) from scoped as s
         where s.scope = sc.scope and s.indicator = i.indicator and s.indicator_value < v.viewer_value)
        / (st.n_landlords - 1)
    end as percentile_rank
from indicators as i
cross join scopes as sc
left join stats as st on st.scope = sc.scope and st.indicator = i.indicator
left join viewer_values as v on v.scope = sc.scope and v.indicator = i.indicator
order by i.indicator_order, sc.scope_order
