-- mart_participants: participants and their paths (indicator 3).
-- Answers: how many people, hours per person, employment contracts and distinct procurement
--          contracts per person (pooling), path length, shares of women, QPV residents, tenants of
--          the maître d'ouvrage and under-26, for each value of one breakdown. A path is the
--          person's lines within the filters. People figures are masked.
-- Grain: one row per value of `dimension` + one total row (is_total).
-- Parameters: dimension (total, year (path start), gender, age_band, qualification, qpv_resident,
--             tenant_of_buyer, residence_commune, residence_epci, public, modality, buyer,
--             operation; the last four multi-valued), year_from, year_to, departement, epci,
--             buyer_type, landlord, sector, operation, public.
-- Columns: dimension, value, label, is_total, sort_key, is_additive, n_participants, is_masked,
--          hours_worked, hours_per_participant, employment_contracts_per_participant,
--          procurement_contracts_per_participant, pooled_share, avg_path_months, women_share,
--          qpv_share, tenant_share, under_26_share (shares over people whose attribute is known;
--          total row only), mask_reason, women_share_masked, qpv_share_masked, tenant_share_masked,
--          under_26_share_masked (the share is withheld: shown "s").
-- Masking: as mart_hours (bounded filter space, linked masks of int_secrecy_cells family hours,
--          int_cell_masked then int_total_masked, no breakdown row under a masked total); a share
--          is shown only when no cell of its attribute's breakdown (gender, QPV, tenant, age band)
--          is masked, pooled_share when the pooled and the other people are 0 or >= threshold.
create or replace macro mart_participants(
    dimension, year_from := null, year_to := null, departement := null, epci := null,
    buyer_type := null, landlord := null, sector := null, operation := null, public := null
) as table
with scope as (
    select int_people_cut(year_from, year_to, departement, epci, buyer_type, landlord, sector, operation,
                          public) as s
),

linked as (
    -- the linked masks of this cut (int_secrecy_cells, family hours: the same people cells), in the
    -- breakdown and the attributes of the shares
    select * from int_linked_masks('int_secrecy_cells', 'hours', [dimension, 'total', 'gender', 'qpv_resident', 'tenant_of_buyer', 'age_band'],
                                   year_from, year_to, departement, epci, buyer_type, landlord, sector, operation,
                                   public)
),

share_masks as (
    -- a share of the total row is shown only when no cell of its attribute's breakdown is masked:
    -- share x total (or its complement) would give a masked count back
    select
        coalesce(bool_or(is_masked) filter (where dim = 'gender'), false) as women_masked,
        coalesce(bool_or(is_masked) filter (where dim = 'qpv_resident'), false) as qpv_masked,
        coalesce(bool_or(is_masked) filter (where dim = 'tenant_of_buyer'), false) as tenant_masked,
        coalesce(bool_or(is_masked) filter (where dim = 'age_band'), false) as under_26_masked
    from linked
),

filtered as (
    select *
    from int_participant_dimensions(
        dimension := dimension, year_from := year_from, year_to := year_to, departement := departement, epci := epci,
        buyer_type := buyer_type, landlord := landlord, sector := sector, operation := operation,
        public := public) as p
    where p.dim in (dimension, 'total')
),

cells as (
    select
        dim = 'total' as is_total,
        dim_value as value,
        min(dim_order) as dim_order,
        count(*) as n_participants,
        sum(hours_worked) as hours_worked,
        avg(n_employment_contracts) as employment_contracts_per_participant,
        avg(n_procurement_contracts) as procurement_contracts_per_participant,
        avg((n_procurement_contracts >= 2)::int) as pooled_share,
        avg(path_months) as avg_path_months,
        avg(case gender when 'F' then 1 when 'M' then 0 end) as women_share,
        avg(qpv_resident::int) as qpv_share,
        avg(tenant_of_buyer::int) as tenant_share,
        avg(case when age_band = '<26' then 1 when age_band is not null then 0 end) as under_26_share,
        count(*) filter (where n_procurement_contracts >= 2) as n_pooled,
        bit_xor(hash(participant_id)) as people_hash,
        int_people_sensitive(bool_or(is_sensitive_value), bool_or(is_place_dim), operation, public) as is_sensitive
    from filtered
    group by all
),

total_if_empty as (
    select * from cells
    union all
    select true, 'total', 0, 0, 0, null, null, null, null, null, null, null, null, 0, null, false
    where not exists (select 1 from cells where is_total)
),

with_people as (
    -- the very people of a masked linked cell (paths may differ from lines)
    select t.*, exists (select 1 from int_secrecy_cells as c
                        where c.is_masked and c.n = t.n_participants and c.people_hash = t.people_hash)
                    as is_linked_people
    from total_if_empty as t
),

published as (
    -- cell, linked and total masks; a masked total lists no breakdown row
    select * from int_people_published('with_people', 'linked', dimension, (select s.allowed from scope))
)

select
    m.dimension, m.value, m.label, m.is_total, m.sort_key,
    dimension not in ('public', 'modality', 'buyer', 'operation') as is_additive,
    case when not m.is_masked then m.n_participants end as n_participants,
    m.is_masked,
    case when not m.is_masked then m.hours_worked end as hours_worked,
    case when not m.is_masked then m.hours_worked / nullif(m.n_participants, 0) end as hours_per_participant,
    case when not m.is_masked then m.employment_contracts_per_participant end
        as employment_contracts_per_participant,
    case when not m.is_masked then m.procurement_contracts_per_participant end
        as procurement_contracts_per_participant,
    -- shares: total row only (on a breakdown row they would publish a two-attribute count that
    -- the linked protection does not cover), and only when their attribute's cells are all shown
    case when not m.is_masked and m.is_total
              and not int_primary_masked(m.n_pooled, false)
              and not int_primary_masked(m.n_participants - m.n_pooled, false)
         then m.pooled_share end as pooled_share,
    case when not m.is_masked then m.avg_path_months end as avg_path_months,
    case when not m.is_masked and m.is_total and not sm.women_masked then m.women_share end as women_share,
    case when not m.is_masked and m.is_total and not sm.qpv_masked then m.qpv_share end as qpv_share,
    case when not m.is_masked and m.is_total and not sm.tenant_masked then m.tenant_share end as tenant_share,
    case when not m.is_masked and m.is_total and not sm.under_26_masked then m.under_26_share end as under_26_share,
    case when m.is_masked and m.is_total then (select s.reason from scope) end as mask_reason,
    -- a share withheld by the share rule on a shown total row is masked ("s"), not missing
    m.is_masked or (m.is_total and sm.women_masked) as women_share_masked,
    m.is_masked or (m.is_total and sm.qpv_masked) as qpv_share_masked,
    m.is_masked or (m.is_total and sm.tenant_masked) as tenant_share_masked,
    m.is_masked or (m.is_total and sm.under_26_masked) as under_26_share_masked
from int_breakdown_rows('published', 'mart_participants', dimension,
                        ['total', 'year', 'gender', 'age_band', 'qualification', 'qpv_resident', 'tenant_of_buyer', 'residence_commune', 'residence_epci', 'public', 'modality', 'buyer', 'operation'],
                        'n_participants') as m
cross join share_masks as sm
order by sort_key
