-- mart_landlord_benchmark: every social landlord's indicators side by side (indicator 5).
-- Answers: per landlord, its clause share, hours per million euros of contracts, realisation rate,
--          shares of women, QPV residents and tenants, hours per participant and dynamic exit rate;
--          its size band (peer group). Meant for a landlord (`viewer`): with `anonymise` the other
--          landlords are 'Bailleur A', 'Bailleur B', ... (stable order: hash of the SIRET) and
--          their SIRET is hidden.
-- Grain: one row per landlord (buyer_type 'landlord' in DECP or in the execution data).
-- Parameters: viewer (SIRET of the landlord looking, optional), year_from, year_to (notification
--             year for contracts, year of the line for hours, lot year for planned hours),
--             anonymise (default true).
-- Columns: buyer_siret, landlord_label, is_viewer, size_band (small, medium, large: terciles of
--          DECP amount over the period), n_contracts, amount, n_known, clause_share, hours_worked,
--          hours_planned, hours_per_million, realisation_rate, n_participants, is_masked,
--          women_share, qpv_share, tenant_share, hours_per_participant, dynamic_exit_rate,
--          n_exits_known.
-- Masking: people figures (hours worked and what derives from them, shares, exit rate) are masked
--          when the landlord's n_participants is below the threshold (int_cell_masked, siblings =
--          all landlords); n_exits_known and the exit rate also when the known exits are below it;
--          hours planned and DECP figures are not masked.
create or replace macro mart_landlord_benchmark(
    viewer := null, year_from := null, year_to := null, anonymise := true
) as table
with landlords as (
    select c.buyer_siret from stg_contracts as c
    where c.buyer_type = 'landlord' and c.buyer_siret is not null
    union
    select l.buyer_siret from int_hours_lines as l
    where l.buyer_type = 'landlord' and l.buyer_siret is not null
),

decp as (
    select
        c.buyer_siret,
        count(*) as n_contracts,
        sum(c.amount) as amount,
        count(*) filter (where c.social_info_known) as n_known,
        count(*) filter (where c.has_social_clause) as n_clause
    from stg_contracts as c
    where (year_from is null or c.year >= year_from) and (year_to is null or c.year <= year_to)
    group by all
),

planned as (
    select p.buyer_siret, sum(p.planned_hours) as hours_planned
    from int_planned_lots as p
    where (year_from is null or p.year >= year_from) and (year_to is null or p.year <= year_to)
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
        k.buyer_siret,
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
        p.n_exits_dynamic,
        ntile(3) over (order by coalesce(d.amount, 0), k.buyer_siret) as size_rank,
        row_number() over (order by md5(k.buyer_siret)) as anonymous_rank
    from landlords as k
    left join decp as d using (buyer_siret)
    left join people as p using (buyer_siret)
    left join planned as pl using (buyer_siret)
),

masked as (
    select *, int_cell_masked(n_participants, false, 'landlords') as is_masked from joined
)

select
    case when not coalesce(anonymise, true) or m.buyer_siret = viewer then m.buyer_siret end as buyer_siret,
    case when not coalesce(anonymise, true) or m.buyer_siret = viewer
         then coalesce(lb.label, m.buyer_siret)
         else int_anonymous_label(m.anonymous_rank) end as landlord_label,
    coalesce(m.buyer_siret = viewer, false) as is_viewer,
    case m.size_rank when 1 then 'small' when 2 then 'medium' else 'large' end as size_band,
    m.n_contracts,
    m.amount,
    m.n_known,
    m.clause_share,
    case when not m.is_masked then m.hours_worked end as hours_worked,
    m.hours_planned,
    case when not m.is_masked then m.hours_worked / nullif(m.amount, 0) * 1e6 end as hours_per_million,
    case when not m.is_masked then m.hours_worked / nullif(m.hours_planned, 0) end as realisation_rate,
    case when not m.is_masked then m.n_participants end as n_participants,
    m.is_masked,
    case when not m.is_masked then m.women_share end as women_share,
    case when not m.is_masked then m.qpv_share end as qpv_share,
    case when not m.is_masked then m.tenant_share end as tenant_share,
    case when not m.is_masked then m.hours_worked / nullif(m.n_participants, 0) end as hours_per_participant,
    case when not m.is_masked and m.n_exits_known >= int_secrecy_threshold(false)
         then m.n_exits_dynamic / m.n_exits_known end as dynamic_exit_rate,
    case when not m.is_masked and not (m.n_exits_known > 0 and m.n_exits_known < int_secrecy_threshold(false))
         then m.n_exits_known end as n_exits_known
from masked as m
left join int_dimension_labels as lb on lb.dim = 'buyer' and lb.dim_value = m.buyer_siret
order by m.anonymous_rank
