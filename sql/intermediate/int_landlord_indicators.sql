-- int_landlord_indicators: table macro, every social landlord's benchmark indicators, by name.
-- Answers: per landlord, its DECP figures (contracts, amount, clause share), its hours planned and,
--          through the secrecy rule, its people figures (hours worked and what derives from them,
--          shares of women, QPV residents and tenants, dynamic exit rate); its size band.
--          Never published as is: mart_landlord_benchmark and mart_landlord_position read it and
--          publish only what docs/secrecy_landlords.md allows.
-- Grain: one row per landlord organisation (SIREN) (buyer_type 'landlord' in DECP or in the execution data).
-- Parameters: year_from, year_to (notification year for contracts, year of the line for hours,
--             lot year for planned hours).
-- Columns: buyer_siren, landlord_name (label, the SIREN when none), size_band
--          (int_landlord_size_band), n_contracts, amount, n_known, clause_share, hours_planned,
--          n_participants, is_masked, exit_rate_masked, hours_worked, hours_per_million,
--          realisation_rate, women_share, qpv_share, tenant_share, hours_per_participant,
--          dynamic_exit_rate, n_exits_known, women_share_masked, qpv_share_masked,
--          tenant_share_masked (the share is withheld by statistical secrecy: shown "s"),
--          mask_reason (French, why people figures are withheld for this period: a partial year
--          range; null otherwise).
-- Masking: people figures are null outside the people marts' bounded filter space (a partial year
--          range), when the landlord's cut total is masked in int_secrecy_cells or its
--          n_participants is below the threshold (int_cell_masked, siblings = all landlords); a
--          share is null when a cell of its breakdown (gender, QPV, tenant) is masked in the
--          landlord's cut (as on mart_participants' total row); the exit rate and n_exits_known
--          also when 1 to threshold - 1 exits are known or a known / dynamic / other exit cell of
--          the cut is masked (exit_rate_masked); hours planned and DECP figures are not masked.
create or replace macro int_landlord_indicators(year_from := null, year_to := null) as table
with decp as (
    select
        c.buyer_siren,
        count(*) as n_contracts,
        sum(c.amount) as amount,
        count(*) filter (where c.social_info_known) as n_known,
        count(*) filter (where c.has_social_clause) as n_clause
    from stg_contracts as c
    where int_in_range(c.year, year_from, year_to)
    group by all
),

planned as (
    select p.buyer_siren, sum(p.planned_hours) as hours_planned
    from int_planned_lots as p
    where int_in_range(p.year, year_from, year_to)
    group by all
),

people as (
    -- over the whole period the figures come precomputed (int_landlord_people_all)
    select * from int_landlord_people_all where year_from is null and year_to is null
    union all
    select * from int_landlord_people(year_from := year_from, year_to := year_to)
    where not (year_from is null and year_to is null)
),

joined as (
    select
        k.buyer_siren,
        k.size_band,
        coalesce(d.n_contracts, 0) as n_contracts,
        d.amount,
        coalesce(d.n_known, 0) as n_known,
        d.n_clause / nullif(d.n_known, 0) as clause_share,
        coalesce(p.hours_worked, 0) as hours_worked,
        pl.hours_planned,
        coalesce(p.n_participants, 0) as n_participants,
        p.women_share,
        p.qpv_share,
        p.tenant_share,
        p.n_exits_known,
        p.n_exits_dynamic
    from int_landlord_size_band as k
    left join decp as d using (buyer_siren)
    left join people as p using (buyer_siren)
    left join planned as pl using (buyer_siren)
),

scope as (
    -- the benchmark publishes a landlord's people figures only in the bounded filter space of the
    -- people marts (all years or one year) and under their linked masks: the landlord's cut of
    -- int_secrecy_cells (docs/secrecy.md), so the benchmark gives back nothing the marts hide
    select int_people_cut(year_from, year_to, null, null, null, null, null, null, null) as s
),

linked as (
    select
        c.cut_value as buyer_siren,
        coalesce(bool_or(c.is_masked) filter (where c.family = 'hours' and c.dim = 'total'), false) as m_total,
        coalesce(bool_or(c.is_masked) filter (where c.family = 'hours' and c.dim = 'gender'), false) as m_gender,
        coalesce(bool_or(c.is_masked) filter (where c.family = 'hours' and c.dim = 'qpv_resident'), false) as m_qpv,
        coalesce(bool_or(c.is_masked) filter (where c.family = 'hours' and c.dim = 'tenant_of_buyer'), false)
            as m_tenant,
        coalesce(bool_or(c.is_masked) filter (
            where c.family = 'exits_end' and c.dim = 'total' and c.category in ('known', 'dynamic', 'other')), false)
            as m_exits
    from int_secrecy_cells as c, scope
    where c.cut_attr = 'landlord' and c.cut_year = scope.s.cut_year
      and c.family in ('hours', 'exits_end') and c.dim in ('total', 'gender', 'qpv_resident', 'tenant_of_buyer')
      and (c.family = 'hours' and c.category = '*' or c.family = 'exits_end')
    group by c.cut_value
),

masked as (
    select
        j.*,
        not (select s.allowed from scope) or coalesce(lk.m_total, false)
            or int_cell_masked(j.n_participants, false, 'landlords') as is_masked,
        coalesce(lk.m_gender, false) as women_masked,
        coalesce(lk.m_qpv, false) as qpv_masked,
        coalesce(lk.m_tenant, false) as tenant_masked,
        int_primary_masked(j.n_exits_known, false)
            or coalesce(lk.m_exits, false) as few_exits
    from joined as j
    left join linked as lk using (buyer_siren)
)

select
    m.buyer_siren,
    coalesce(lb.label, m.buyer_siren) as landlord_name,
    m.size_band,
    m.n_contracts,
    m.amount,
    m.n_known,
    m.clause_share,
    m.hours_planned,
    case when not m.is_masked then m.n_participants end as n_participants,
    m.is_masked,
    m.is_masked or m.few_exits as exit_rate_masked,
    case when not m.is_masked then m.hours_worked end as hours_worked,
    case when not m.is_masked then m.hours_worked / nullif(m.amount, 0) * 1e6 end as hours_per_million,
    case when not m.is_masked then m.hours_worked / nullif(m.hours_planned, 0) end as realisation_rate,
    case when not m.is_masked and not m.women_masked then m.women_share end as women_share,
    case when not m.is_masked and not m.qpv_masked then m.qpv_share end as qpv_share,
    case when not m.is_masked and not m.tenant_masked then m.tenant_share end as tenant_share,
    case when not m.is_masked then m.hours_worked / nullif(m.n_participants, 0) end as hours_per_participant,
    case when not m.is_masked and not m.few_exits then m.n_exits_dynamic / nullif(m.n_exits_known, 0) end
        as dynamic_exit_rate,
    case when not m.is_masked and not m.few_exits then m.n_exits_known end as n_exits_known,
    m.is_masked or m.women_masked as women_share_masked,
    m.is_masked or m.qpv_masked as qpv_share_masked,
    m.is_masked or m.tenant_masked as tenant_share_masked,
    (select s.reason from scope) as mask_reason
from masked as m
left join int_dimension_labels as lb on lb.dim = 'buyer' and lb.dim_value = m.buyer_siren
