-- int_landlord_people: table macro, each landlord's people figures over a period.
-- Answers: per maître d'ouvrage, the participants who worked on its contracts in the period, their
--          hours, shares of women, QPV residents and tenants, and their exits (last line of the
--          person with that buyer; broad definition, which does not change the dynamic rate).
-- Grain: one row per buyer_siren having lines in the period.
-- Parameters: year_from, year_to (year of the line's start).
-- Columns: buyer_siren, n_participants, hours_worked, women_share, qpv_share, tenant_share,
--          n_exits_known, n_exits_dynamic.
create or replace macro int_landlord_people(year_from := null, year_to := null) as table
with lines as (
    select l.*
    from int_hours_lines as l
    where l.participant_id is not null
      and int_in_range(l.year, year_from, year_to)
),

person_paths as (
    select
        l.buyer_siren,
        l.participant_id,
        sum(l.hours) as hours,
        arg_min(l.gender, l.start_date) as gender,
        bool_or(l.qpv_resident) as qpv_resident,
        bool_or(l.tenant_of_buyer) as tenant_of_buyer
    from lines as l
    group by all
),

person_last as (
    select
        l.buyer_siren,
        l.participant_id,
        l.end_date is not null and l.end_date <= (select s.built_on from stg_settings as s)
            and coalesce(l.outcome_end, '') <> 'ongoing' as is_leaver,
        o.category_broad as category
    from lines as l
    left join stg_outcome_categories as o on o.outcome = l.outcome_end
    qualify row_number() over (
        partition by l.buyer_siren, l.participant_id
        order by l.end_date desc nulls first, l.start_date desc, l.line_id desc) = 1
),

people as (
    select
        pp.buyer_siren,
        count(*) as n_participants,
        sum(pp.hours) as hours_worked,
        avg(case pp.gender when 'F' then 1 when 'M' then 0 end) as women_share,
        avg(pp.qpv_resident::int) as qpv_share,
        avg(pp.tenant_of_buyer::int) as tenant_share,
        count(*) filter (where pl.is_leaver and pl.category in ('durable', 'transition', 'positive', 'other'))
            as n_exits_known,
        count(*) filter (where pl.is_leaver and pl.category in ('durable', 'transition', 'positive'))
            as n_exits_dynamic
    from person_paths as pp
    join person_last as pl using (buyer_siren, participant_id)
    group by all
)

select * from people
