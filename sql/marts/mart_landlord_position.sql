-- mart_landlord_position: where a landlord stands among all landlords and among its peers.
-- Answers: for each benchmark indicator, the viewer's value, the quartiles and median of the
--          landlords of the scope, the viewer's percentile rank, over the region and within its
--          size band (int_landlord_size_band). Only what the published lists of
--          mart_landlord_benchmark already give: a scope whose list is not publishable
--          (int_landlord_values) has its figures null and is_published false.
-- Grain: one row per indicator x scope ('region', 'peers').
-- Parameters: viewer (landlord SIREN, or a SIRET of it), year_from, year_to (as int_landlord_indicators).
-- Columns: indicator, scope, peer_group (the viewer's size band, on the 'peers' rows), viewer_value
--          (rounded as published), viewer_is_masked (the viewer's value is hidden by statistical
--          secrecy), is_published, n_landlords (with a value), q1, median, q3 (of the rounded
--          values, rounded the same way), gap (viewer_value - median: both rounded as published;
--          null when either is null), percentile_rank (share of the other landlords of the scope
--          with a lower value, 0-1; null when the viewer has no value), mask_reason (French, why
--          the people indicators are withheld for this period: not all years nor one single year).
-- Masking: masked landlord values are absent from the distributions (int_landlord_indicators).
create or replace macro mart_landlord_position(viewer, year_from := null, year_to := null) as table
with vals as materialized (
    select * from int_landlord_values(year_from := year_from, year_to := year_to)
),

viewer_row as (
    select any_value(i.size_band) as band, bool_or(i.is_masked) as is_masked,
           bool_or(i.exit_rate_masked) as exit_rate_masked, bool_or(i.women_share_masked) as women_masked,
           bool_or(i.qpv_share_masked) as qpv_masked, bool_or(i.tenant_share_masked) as tenant_masked,
           any_value(i.mask_reason) as mask_reason
    from int_landlord_indicators(year_from := year_from, year_to := year_to) as i
    where i.buyer_siren = int_siren(viewer)
),

indicators as (
    select * from int_landlord_indicator_list()
),

scopes as (
    select * from (values ('region', 1), ('peers', 2)) as t(scope_name, scope_order)
),

scoped as (
    select 'region' as scope_name, v.* from vals as v where v.region_published
    union all
    select 'peers', v.* from vals as v
    where v.peers_published and v.size_band = (select vr.band from viewer_row as vr)
),

viewer_values as (
    select v.indicator, v.value as viewer_value from vals as v where v.buyer_siren = int_siren(viewer)
),

stats as (
    select
        s.scope_name,
        s.indicator,
        count(*) as n_landlords,
        int_landlord_rounded(s.indicator, quantile_cont(s.value, 0.25)) as q1,
        int_landlord_rounded(s.indicator, quantile_cont(s.value, 0.5)) as median,
        int_landlord_rounded(s.indicator, quantile_cont(s.value, 0.75)) as q3
    from scoped as s
    group by s.scope_name, s.indicator
)

select
    i.indicator,
    sc.scope_name as scope,
    case when sc.scope_name = 'peers' then (select vr.band from viewer_row as vr) end as peer_group,
    v.viewer_value,
    coalesce(case i.indicator when 'clause_share' then false
                              when 'dynamic_exit_rate' then vr.exit_rate_masked
                              when 'women_share' then vr.women_masked
                              when 'qpv_share' then vr.qpv_masked
                              when 'tenant_share' then vr.tenant_masked
                              else vr.is_masked end, false) as viewer_is_masked,
    st.n_landlords is not null as is_published,
    st.n_landlords,
    st.q1,
    st.median,
    st.q3,
    v.viewer_value - st.median as gap,
    case when v.viewer_value is not null and st.n_landlords > 1 then
        (select count(*) from scoped as s
         where s.scope_name = sc.scope_name and s.indicator = i.indicator and s.value < v.viewer_value)
        / (st.n_landlords - 1)
    end as percentile_rank,
    case when i.indicator <> 'clause_share' then vr.mask_reason end as mask_reason
from indicators as i
cross join scopes as sc
cross join viewer_row as vr
left join stats as st on st.scope_name = sc.scope_name and st.indicator = i.indicator
left join viewer_values as v on v.indicator = i.indicator
order by i.indicator_order, sc.scope_order
