-- mart_headlines: the headline figures of the home page and of the report CLI.
-- Answers: for the filters, how many contracts have a known social status and how many carry a
--          social consideration; hours planned and worked; participants and their profile; the
--          dynamic exit rate at the end of the path with its known exits.
-- Grain: exactly one row.
-- Parameters: year_from, year_to, departement, epci, buyer_type, landlord, sector (same meaning
--             as in mart_contract_share for contracts and in mart_hours for people).
-- Columns: contracts_known, contracts_unknown_status, contracts_with_social_consideration,
--          share_social_consideration, contracts_with_clause, share_clause, amount_known,
--          amount_with_social_consideration, hours_planned, hours_worked, realisation_rate, fte,
--          participants, hours_per_participant, women_share, qpv_share, tenant_share,
--          dynamic_exit_rate, exits_known, exits_unknown, is_masked.
-- Masking: hours from the mart_hours total row; participants and exits computed once from
--          int_participant_dimensions with the rules of mart_participants and mart_exits for a
--          single cell (tests check they agree); procurement figures are not masked.
create or replace macro mart_headlines(
    year_from := null, year_to := null, departement := null, epci := null, buyer_type := null,
    landlord := null, sector := null
) as table
with contracts as (
    select * from mart_contract_share('total', year_from := year_from, year_to := year_to,
        departement := departement, epci := epci, buyer_type := buyer_type, landlord := landlord,
        sector := sector)
),

hours as (
    select * from mart_hours('total', year_from := year_from, year_to := year_to,
        departement := departement, epci := epci, buyer_type := buyer_type, landlord := landlord,
        sector := sector)
),

paths as materialized (
    -- one computation of the paths for both the participants and the exits
    select d.*, o.category_broad as category
    from int_participant_dimensions(dimension := 'total', year_from := year_from, year_to := year_to,
        departement := departement, epci := epci, buyer_type := buyer_type, landlord := landlord,
        sector := sector) as d
    left join stg_outcome_categories as o on o.outcome = d.last_outcome_end
    where d.dim = 'total'
),

people as (
    -- the same figures as the total rows of mart_participants and mart_exits (a test checks it);
    -- one cell: primary masking only (int_cell_masked over a single row)
    select
        count(*) as n_participants,
        sum(hours_worked) as hours_worked,
        avg(case gender when 'F' then 1 when 'M' then 0 end) as women_share,
        avg(qpv_resident::int) as qpv_share,
        avg(tenant_of_buyer::int) as tenant_share,
        count(*) filter (where is_leaver) as n_leavers,
        count(*) filter (where is_leaver and category in ('durable', 'transition', 'positive', 'other'))
            as n_exits_known,
        count(*) filter (where is_leaver and category in ('durable', 'transition', 'positive'))
            as n_exits_dynamic
    from paths
),

people_masked as (
    select
        *,
        n_participants > 0 and n_participants < int_secrecy_threshold(false) as is_masked,
        n_leavers > 0 and n_leavers < int_secrecy_threshold(false) as exits_masked,
        n_exits_known < int_secrecy_threshold(false) as rate_masked
    from people
)

select
    c.n_known as contracts_known,
    c.n_unknown_status as contracts_unknown_status,
    c.n_social as contracts_with_social_consideration,
    c.share_social as share_social_consideration,
    c.n_clause as contracts_with_clause,
    c.share_clause,
    c.amount_known,
    c.amount_social as amount_with_social_consideration,
    h.hours_planned,
    h.hours_worked,
    h.realisation_rate,
    h.fte,
    case when not p.is_masked then p.n_participants end as participants,
    case when not p.is_masked then p.hours_worked / nullif(p.n_participants, 0) end as hours_per_participant,
    case when not p.is_masked then p.women_share end as women_share,
    case when not p.is_masked then p.qpv_share end as qpv_share,
    case when not p.is_masked then p.tenant_share end as tenant_share,
    case when not (p.exits_masked or p.rate_masked) then p.n_exits_dynamic / nullif(p.n_exits_known, 0) end
        as dynamic_exit_rate,
    case when not p.exits_masked then p.n_exits_known end as exits_known,
    case when not p.exits_masked then p.n_leavers - p.n_exits_known end as exits_unknown,
    p.is_masked or h.is_masked as is_masked
from contracts as c, hours as h, people_masked as p
