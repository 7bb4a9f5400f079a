-- mart_hours: insertion hours planned vs worked, realisation rate and FTE (indicator 2).
-- Answers: how many hours were worked (and planned) in each value of one breakdown, by how many
--          people, with the realisation rate (worked / planned, may exceed 100 %) and the FTE.
--          `public` is multi-valued: a person counts once in each of their publics, so those rows
--          do not add up to the total (is_additive = false). People figures are masked.
-- Grain: one row per value of `dimension` + one total row (is_total).
-- Parameters: dimension (total, year, trade, contract_kind, sector, gender, age_band, public,
--             qualification, qpv_resident, tenant_of_buyer, residence_commune, residence_epci,
--             operation_commune, operation_epci, operation_departement, modality,
--             employment_contract_type, buyer, buyer_type, operation), year_from, year_to (year of
--             the line's start; lots: year of their DECP contract or first line), departement, epci
--             (of the operation), buyer_type, landlord (buyer SIRET), sector, operation, public,
--             fte_hours (default settings.fte_hours).
-- Columns: dimension, value, label, is_total, sort_key, is_additive, n_participants, is_masked,
--          hours_worked, fte, n_employment_contracts, hours_per_participant, hours_planned (lot
--          dimensions only, null with a public filter; not masked), realisation_rate, mask_reason
--          (total row: why everything is masked when the filter set is outside the bounded space).
-- Masking: the filter set must lie in the bounded space (int_people_cut), else only the masked
--          total row is returned; the linked masks of int_secrecy_cells (family hours) are OR-ed with int_cell_masked (then
--          int_total_masked) on n_participants, siblings = non-total rows; the sensitive threshold
--          applies to a sensitive public row when `operation` is set, and to commune, operation
--          or QPV rows when `public` is a sensitive public, and to every row when `public` is a
--          sensitive public and `operation` is set.
create or replace macro mart_hours(
    dimension, year_from := null, year_to := null, departement := null, epci := null,
    buyer_type := null, landlord := null, sector := null, operation := null, public := null,
    fte_hours := null
) as table
with scope as (
    select int_people_cut(year_from, year_to, departement, epci, buyer_type, landlord, sector, operation,
                          public) as s
),

linked as (
    -- the linked masks of this cut (int_secrecy_cells, pipelines/secrecy.py)
    select * from int_linked_masks('int_secrecy_cells', 'hours', [dimension, 'total'], year_from, year_to, departement, epci,
                                   buyer_type, landlord, sector, operation, public)
),

filtered as (
    select *
    from int_hours_dimensions as h
    where h.dim in (dimension, 'total')
      and int_filters_match(
          h.f_year, h.f_departement, h.f_epci, h.f_buyer_type, h.f_buyer_siren, h.f_sector, h.f_operation,
          year_from, year_to, departement, epci, buyer_type, landlord, sector, operation)
      and (public is null
           or h.line_id in (select l.line_id from int_hours_lines as l where list_contains(l.publics, public)))
      -- without any filter the cells come precomputed from int_hours_cells_all
      and not (year_from is null and year_to is null and departement is null and epci is null
           and buyer_type is null and landlord is null and sector is null and operation is null
           and public is null)
),

worked as (
    select * exclude (dim)
    from int_hours_cells_all as c
    where c.dim in (dimension, 'total')
      and (year_from is null and year_to is null and departement is null and epci is null
           and buyer_type is null and landlord is null and sector is null and operation is null
           and public is null)
    union all by name
    select * exclude (dim) from int_hours_cells('filtered')
),

planned as (
    select
        dim = 'total' as is_total,
        dim_value as value,
        sum(planned_hours) as hours_planned
    from int_planned_dimensions as p
    where p.dim in (dimension, 'total')
      and int_filters_match(
          p.f_year, p.f_departement, p.f_epci, p.f_buyer_type, p.f_buyer_siren, p.f_sector, p.f_operation,
          year_from, year_to, departement, epci, buyer_type, landlord, sector, operation)
      and public is null
    group by all
),

cells as (
    select
        coalesce(w.is_total, p.is_total) as is_total,
        coalesce(w.value, p.value) as value,
        w.dim_order,
        coalesce(w.n_participants, 0) as n_participants,
        coalesce(w.hours_worked, 0) as hours_worked,
        coalesce(w.n_employment_contracts, 0) as n_employment_contracts,
        p.hours_planned,
        int_people_sensitive(coalesce(w.has_sensitive_value, false), coalesce(w.is_place, false),
                             operation, public) as is_sensitive,
        false as is_linked_people
    from worked as w
    full join planned as p on p.is_total = w.is_total and p.value = w.value
),

total_if_empty as (
    select * from cells
    union all
    select true, 'total', 0, 0, 0, 0, null, false, false
    where not exists (select 1 from cells where is_total)
),

published as (
    -- cell, linked and total masks; a masked total (a cut of fewer people than the threshold, or
    -- too many filters) lists no breakdown row
    select * from int_people_published('total_if_empty', 'linked', dimension, (select s.allowed from scope))
)

select
    m.dimension, m.value, m.label, m.is_total, m.sort_key,
    dimension <> 'public' as is_additive,
    case when not m.is_masked then m.n_participants end as n_participants,
    m.is_masked,
    case when not m.is_masked then m.hours_worked end as hours_worked,
    case when not m.is_masked
         then m.hours_worked / coalesce(fte_hours, (select s.fte_hours from stg_settings as s)) end as fte,
    case when not m.is_masked then m.n_employment_contracts end as n_employment_contracts,
    case when not m.is_masked then m.hours_worked / nullif(m.n_participants, 0) end as hours_per_participant,
    m.hours_planned,
    case when not m.is_masked then m.hours_worked / nullif(m.hours_planned, 0) end as realisation_rate,
    case when m.is_masked and m.is_total then (select s.reason from scope) end as mask_reason
from int_breakdown_rows('published', 'mart_hours', dimension,
                        ['total', 'year', 'trade', 'contract_kind', 'sector', 'gender', 'age_band', 'public', 'qualification', 'qpv_resident', 'tenant_of_buyer', 'residence_commune', 'residence_epci', 'operation_commune', 'operation_epci', 'operation_departement', 'modality', 'employment_contract_type', 'buyer', 'buyer_type', 'operation'],
                        'hours_worked') as m
order by sort_key
