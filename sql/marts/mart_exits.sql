-- mart_exits: exits at the end of the path and at +6 months, dynamic exit rate (indicator 4).
-- Answers: among leavers, how many reached durable employment, transition employment, a positive
--          exit, something else, or are unknown; the dynamic exit rate ((durable + transition +
--          positive) / leavers with a known outcome) with its Wilson 95 % interval and the unknowns
--          beside; for each value of one breakdown. The definition of durable employment is a
--          parameter (it moves outcomes between durable and transition, not the rate).
-- Grain: one row per value of `dimension` + one total row (is_total).
-- Parameters: dimension (total, year (year of exit), operation, operation_commune, operation_epci,
--             operation_departement, residence_commune, public, gender, age_band, qualification,
--             qpv_resident, modality, buyer; operation/modality/buyer/territory of the last line),
--             timepoint ('end' | '6m'), durable_definition ('broad' | 'strict', default
--             settings.durable_definition), year_from, year_to, departement, epci, buyer_type,
--             landlord, sector, operation, public.
--             Leaver: the last line has an end date (not in the future) and outcome_end is not
--             'ongoing'. At '6m' only leavers whose end date is 6 months old or whose +6 months
--             outcome is known.
-- Columns: dimension, value, label, is_total, sort_key, is_additive, timepoint,
--          durable_definition, n_participants (= n_leavers), is_masked, n_leavers, n_known,
--          n_unknown, n_durable, n_transition, n_positive, n_other, n_dynamic, dynamic_exit_rate,
--          ci_low, ci_high, mask_reason, n_known_masked, n_unknown_masked, n_durable_masked,
--          n_transition_masked, n_positive_masked, n_other_masked, n_dynamic_masked,
--          dynamic_exit_rate_masked (a withheld value of a shown row: "s").
-- Masking: bounded filter space (int_people_cut: else only the masked total row); no breakdown
--          row under a masked total; the total row and the gender, age_band, qualification and
--          qpv_resident rows take the linked masks of int_secrecy_cells (families exits_end /
--          exits_6m: leavers, known, unknown, dynamic, other and the outcome atoms, protected across
--          cuts and years and linked to the participants); the rate and its interval are shown only when
--          n_dynamic (rate x known) and n_other (known - dynamic) are shown. The row by int_cell_masked on n_leavers; inside an unmasked row, durable / transition /
--          positive / other by int_category_masked (they sum to n_known); n_dynamic is masked when
--          one of them is; a category hidden in a single sibling row is also hidden in the sibling
--          row with the fewest known exits (with the same categories as that row), so that it cannot be
--          recomputed from the total's category minus the other rows (public: non-additive, not needed);
--          the rate and its interval are masked when n_known is below the threshold.
--          n_known and n_unknown (a follow-up status, not an attribute of the person) are shown,
--          except when 0 < n_known < threshold (all categories of the row then sit below the
--          threshold, and a lone non-zero one would equal n_known).
create or replace macro mart_exits(
    dimension, timepoint := 'end', durable_definition := null, year_from := null, year_to := null,
    departement := null, epci := null, buyer_type := null, landlord := null, sector := null,
    operation := null, public := null
) as table
with scope as (
    select int_people_cut(year_from, year_to, departement, epci, buyer_type, landlord, sector, operation,
                          public) as s
),

linked as (
    -- the linked masks of this cut's rows, per outcome category (int_secrecy_cells, families
    -- exits_end / exits_6m: '*' leavers, known, unknown, dynamic, other, core, ext, trans, positive),
    -- for the total row and the rows of the linked breakdowns (gender, age_band, qualification,
    -- qpv_resident)
    select
        c.value,
        coalesce(bool_or(c.is_masked) filter (where c.category = '*'), false) as m_leavers,
        coalesce(bool_or(c.is_masked) filter (where c.category = 'known'), false) as m_known,
        coalesce(bool_or(c.is_masked) filter (where c.category = 'unknown'), false) as m_unknown,
        coalesce(bool_or(c.is_masked) filter (where c.category = 'dynamic'), false) as m_dynamic,
        coalesce(bool_or(c.is_masked) filter (where c.category = 'other'), false) as m_other,
        coalesce(bool_or(c.is_masked) filter (where c.category = 'core'), false) as m_core,
        coalesce(bool_or(c.is_masked) filter (where c.category = 'ext'), false) as m_ext,
        coalesce(bool_or(c.is_masked) filter (where c.category = 'trans'), false) as m_trans,
        coalesce(bool_or(c.is_masked) filter (where c.category = 'positive'), false) as m_positive
    from int_secrecy_cells as c, scope
    where c.family = 'exits_' || coalesce(timepoint, 'end') and c.dim in ('total', dimension)
      and c.cut_year = scope.s.cut_year and c.cut_attr = scope.s.cut_attr and c.cut_value = scope.s.cut_value
      and scope.s.allowed
    group by c.value
),

params as (
    select
        coalesce(timepoint, 'end') as tp,
        coalesce(durable_definition, (select s.durable_definition from stg_settings as s)) as def,
        case dimension when 'year' then 'exit_year' when 'modality' then 'last_modality'
                       when 'buyer' then 'last_buyer' when 'operation' then 'last_operation'
                       else dimension end as internal_dim
),

leavers as (
    select p.*,
           case when (select tp from params) = '6m' then p.last_outcome_6m else p.last_outcome_end end as outcome
    from int_participant_dimensions(
        dimension := case dimension when 'year' then 'exit_year' when 'modality' then 'last_modality'
                                    when 'buyer' then 'last_buyer' when 'operation' then 'last_operation'
                                    else dimension end,
        year_from := year_from, year_to := year_to, departement := departement, epci := epci,
        buyer_type := buyer_type, landlord := landlord, sector := sector, operation := operation,
        public := public) as p
    where p.dim in ((select internal_dim from params), 'total')
      and p.is_leaver
      and ((select tp from params) = 'end'
           or p.last_outcome_6m is not null
           or p.last_end_date <= (select s.built_on from stg_settings as s) - interval 6 month)
),

categorised as (
    select
        l.*,
        coalesce(case when (select def from params) = 'strict' then o.category_strict
                      else o.category_broad end, 'unknown') as category
    from leavers as l
    left join stg_outcome_categories as o on o.outcome = l.outcome
),

cells as (
    select
        dim = 'total' as is_total,
        dim_value as value,
        min(dim_order) as dim_order,
        count(*) as n_leavers,
        count(*) filter (where category = 'durable') as n_durable,
        count(*) filter (where category = 'transition') as n_transition,
        count(*) filter (where category = 'positive') as n_positive,
        count(*) filter (where category = 'other') as n_other,
        count(*) filter (where category not in ('durable', 'transition', 'positive', 'other')) as n_unknown,
        -- hashes of the people counted: a count of the very people of a masked linked cell is masked
        bit_xor(hash(participant_id)) as h_leavers,
        bit_xor(hash(participant_id)) filter (where category = 'durable') as h_durable,
        bit_xor(hash(participant_id)) filter (where category = 'transition') as h_transition,
        bit_xor(hash(participant_id)) filter (where category = 'positive') as h_positive,
        bit_xor(hash(participant_id)) filter (where category = 'other') as h_other,
        bit_xor(hash(participant_id)) filter (where category not in ('durable', 'transition', 'positive', 'other'))
            as h_unknown,
        bit_xor(hash(participant_id)) filter (where category in ('durable', 'transition', 'positive', 'other'))
            as h_known,
        bit_xor(hash(participant_id)) filter (where category in ('durable', 'transition', 'positive'))
            as h_dynamic,
        int_people_sensitive(bool_or(is_sensitive_value), bool_or(is_place_dim), operation, public) as is_sensitive
    from categorised
    group by all
),

total_if_empty as (
    select * from cells
    union all
    select true, 'total', 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null, null, null, null, false
    where not exists (select 1 from cells where is_total)
),

hidden_sets as (
    select distinct c.n, c.people_hash from int_secrecy_cells as c where c.is_masked
),

masked as (
    select
        *,
        exists (select 1 from hidden_sets as hs where hs.n = n_leavers and hs.people_hash = h_leavers)
            as linked_leavers,
        exists (select 1 from hidden_sets as hs where hs.n = n_durable and hs.people_hash = h_durable) as linked_durable,
        exists (select 1 from hidden_sets as hs where hs.n = n_transition and hs.people_hash = h_transition)
            as linked_transition,
        exists (select 1 from hidden_sets as hs where hs.n = n_positive and hs.people_hash = h_positive)
            as linked_positive,
        exists (select 1 from hidden_sets as hs where hs.n = n_other and hs.people_hash = h_other) as linked_other,
        exists (select 1 from hidden_sets as hs where hs.n = n_unknown and hs.people_hash = h_unknown)
            as linked_unknown,
        exists (select 1 from hidden_sets as hs where hs.n = n_leavers - n_unknown and hs.people_hash = h_known)
            as linked_known,
        exists (select 1 from hidden_sets as hs
                where hs.n = n_durable + n_transition + n_positive and hs.people_hash = h_dynamic) as linked_dynamic,
        n_leavers - n_unknown as n_known,
        n_durable + n_transition + n_positive as n_dynamic,
        int_secrecy_threshold(is_sensitive) as threshold,
        int_cell_masked(n_leavers, is_sensitive, is_total) as row_masked_own
    from total_if_empty
),

masked_rows as (
    select m.*, row_masked_own or linked_leavers or coalesce(l.m_leavers, false) as row_masked
    from masked as m
    left join linked as l on l.value = m.value
),

masked_total as (
    select * exclude (row_masked, row_masked_own),
           int_total_masked(is_total, row_masked) or not (select s.allowed from scope) as is_masked
    from masked_rows
),

category_masks as (
    -- the linked category masks (total row and linked breakdowns: a published category is the sum
    -- of outcome atoms, shown only when all its atoms are), and the within-row rule
    select
        m.*,
        int_category_masked(n_durable, n_transition, n_positive, n_other, 0, threshold)
            or coalesce(l.m_core or (l.m_ext and (select def from params) = 'broad'), false) or linked_durable
            as durable_masked,
        int_category_masked(n_transition, n_durable, n_positive, n_other, 0, threshold)
            or coalesce(l.m_trans or (l.m_ext and (select def from params) = 'strict'), false) or linked_transition
            as transition_masked,
        int_category_masked(n_positive, n_durable, n_transition, n_other, 0, threshold)
            or coalesce(l.m_positive, false) or linked_positive as positive_masked,
        int_category_masked(n_other, n_durable, n_transition, n_positive, 0, threshold)
            or coalesce(l.m_other, false) or linked_other as other_masked,
        coalesce(l.m_known, false) or linked_known as known_masked,
        coalesce(l.m_unknown, false) or linked_unknown as unknown_masked,
        coalesce(l.m_dynamic, false) or linked_dynamic as dynamic_masked,
        n_known < threshold as rate_masked
    from masked_total as m
    left join linked as l on l.value = m.value
),

-- column pass (additive breakdowns): a category hidden in exactly one sibling row could be
-- recomputed from the total's category minus the other rows; the sibling row with the fewest
-- known exits hides the same categories as the row(s) owning such a lone hidden cell, so that
-- every such column and that row hold at least two hidden cells
column_hidden as (
    select
        *,
        dimension <> 'public' and sum(case when not is_total and (is_masked or durable_masked) then 1 else 0 end) over () = 1
            as lone_durable,
        dimension <> 'public' and sum(case when not is_total and (is_masked or transition_masked) then 1 else 0 end) over () = 1
            as lone_transition,
        dimension <> 'public' and sum(case when not is_total and (is_masked or positive_masked) then 1 else 0 end) over () = 1
            as lone_positive,
        dimension <> 'public' and sum(case when not is_total and (is_masked or other_masked) then 1 else 0 end) over () = 1
            as lone_other
    from category_masks
),

column_owners as (
    select
        *,
        not is_total and not is_masked
            and ((lone_durable and durable_masked) or (lone_transition and transition_masked)
                 or (lone_positive and positive_masked) or (lone_other and other_masked)) as is_owner
    from column_hidden
),

column_union as (
    select
        *,
        bool_or(is_owner and durable_masked) over () as u_durable,
        bool_or(is_owner and transition_masked) over () as u_transition,
        bool_or(is_owner and positive_masked) over () as u_positive,
        bool_or(is_owner and other_masked) over () as u_other
    from column_owners
),

column_partner as (
    select
        *,
        not is_total and not is_masked and bool_or(is_owner) over ()
            and not (durable_masked or transition_masked or positive_masked or other_masked)
            and (case when u_durable then n_durable else 0 end + case when u_transition then n_transition else 0 end
                 + case when u_positive then n_positive else 0 end + case when u_other then n_other else 0 end) > 0
            as is_candidate
    from column_union
),

column_masks as (
    select
        * exclude (durable_masked, transition_masked, positive_masked, other_masked),
        durable_masked or (is_partner and u_durable) as durable_masked,
        transition_masked or (is_partner and u_transition) as transition_masked,
        positive_masked or (is_partner and u_positive) as positive_masked,
        other_masked or (is_partner and u_other) as other_masked
    from (
        select
            *,
            is_candidate and row_number() over (
                partition by is_candidate order by n_known, value) = 1 as is_partner
        from column_partner
    )
),

shown as (
    -- a masked total lists no breakdown row (the presence of a value would describe its few people)
    select * from column_masks as m
    where m.is_total or not exists (select 1 from masked_total as t where t.is_total and t.is_masked)
)

select
    m.dimension, m.value, m.label, m.is_total, m.sort_key,
    dimension <> 'public' as is_additive,
    (select tp from params) as timepoint,
    (select def from params) as durable_definition,
    case when not m.is_masked then m.n_leavers end as n_participants,
    m.is_masked,
    case when not m.is_masked then m.n_leavers end as n_leavers,
    -- 1 to threshold - 1 known exits: not shown, they would give back a lone masked category
    case when not (m.is_masked or (m.rate_masked and m.n_known > 0) or m.known_masked or m.unknown_masked)
         then m.n_known end as n_known,
    case when not (m.is_masked or (m.rate_masked and m.n_known > 0) or m.known_masked or m.unknown_masked)
         then m.n_unknown end as n_unknown,
    case when not (m.is_masked or m.durable_masked) then m.n_durable end as n_durable,
    case when not (m.is_masked or m.transition_masked) then m.n_transition end as n_transition,
    case when not (m.is_masked or m.positive_masked) then m.n_positive end as n_positive,
    case when not (m.is_masked or m.other_masked) then m.n_other end as n_other,
    case when not (m.is_masked or m.durable_masked or m.transition_masked or m.positive_masked
                   or m.other_masked or m.dynamic_masked) then m.n_dynamic end as n_dynamic,
    -- a rate is shown only when its numerator (dynamic = rate x known) and its complement
    -- (other = known - dynamic) are shown counts: rate x base never gives back a masked count
    case when not (m.is_masked or m.rate_masked or m.dynamic_masked or m.known_masked or m.other_masked
                   or m.durable_masked or m.transition_masked or m.positive_masked)
         then m.n_dynamic / nullif(m.n_known, 0) end as dynamic_exit_rate,
    case when not (m.is_masked or m.rate_masked or m.dynamic_masked or m.known_masked or m.other_masked
                   or m.durable_masked or m.transition_masked or m.positive_masked)
         then int_wilson_interval(m.n_dynamic, m.n_known, -1) end as ci_low,
    case when not (m.is_masked or m.rate_masked or m.dynamic_masked or m.known_masked or m.other_masked
                   or m.durable_masked or m.transition_masked or m.positive_masked)
         then int_wilson_interval(m.n_dynamic, m.n_known, 1) end as ci_high,
    case when m.is_masked and m.is_total then (select s.reason from scope) end as mask_reason,
    -- withheld counts and rate of a shown row are masked ("s"), not missing
    m.is_masked or (m.rate_masked and m.n_known > 0) or m.known_masked or m.unknown_masked as n_known_masked,
    m.is_masked or (m.rate_masked and m.n_known > 0) or m.known_masked or m.unknown_masked as n_unknown_masked,
    m.is_masked or m.durable_masked as n_durable_masked,
    m.is_masked or m.transition_masked as n_transition_masked,
    m.is_masked or m.positive_masked as n_positive_masked,
    m.is_masked or m.other_masked as n_other_masked,
    m.is_masked or m.durable_masked or m.transition_masked or m.positive_masked or m.other_masked
        or m.dynamic_masked as n_dynamic_masked,
    (m.is_masked or m.rate_masked or m.dynamic_masked or m.known_masked or m.other_masked
     or m.durable_masked or m.transition_masked or m.positive_masked) and m.n_known > 0 as dynamic_exit_rate_masked
from int_breakdown_rows('shown', 'mart_exits', dimension,
                        ['total', 'year', 'operation', 'operation_commune', 'operation_epci', 'operation_departement', 'residence_commune', 'public', 'gender', 'age_band', 'qualification', 'qpv_resident', 'modality', 'buyer'],
                        'n_leavers') as m
where case when coalesce(timepoint, 'end') in ('end', '6m') then true
           else error('mart_exits : timepoint « ' || timepoint || ' » inconnu (attendu : end, 6m)') end
  and case when durable_definition is null or durable_definition in ('broad', 'strict') then true
           else error('mart_exits : durable_definition « ' || durable_definition
                      || ' » inconnue (attendu : broad, strict)') end
order by sort_key
