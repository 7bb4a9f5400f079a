-- stg_buyer_establishments: every buyer identifier read, and the organisation (SIREN) it belongs to.
-- materialized: table
-- Answers: which organisation does a buyer identifier of the DECP, the clause files or the buyers
--          register designate? An organisation is a SIREN (the first 9 digits of a SIRET); its
--          establishments (SIRETs) sit under it. A well-formed identifier (14 digits, or 9 digits
--          for a SIREN) gives its SIREN directly (a wrong NIC check digit does not change the
--          organisation). A malformed one (13 digits, letters...) is resolved through the buyers
--          register (its normalised name equals exactly one register organisation's name), else an
--          exact normalised name match with exactly one organisation having well-formed identifiers;
--          otherwise it stays unresolved (buyer_siren null: listed once on Qualité, never in a picker).
--          Normalised name: upper case, accents removed, punctuation as spaces, spaces collapsed.
-- Grain: one row per buyer identifier as read (buyer_siret of contracts, clause_hours,
--        clause_planned, and buyer_id of buyers_register).
-- Columns: buyer_siret (as read), buyer_siren (null when unresolved), resolution (`siret`, `siren`,
--          `register_name`, `name`, `unresolved`), buyer_name (most frequent name read with it,
--          ties by name), name_key (normalised name), buyer_type (most frequent), n_rows (records
--          naming it: contracts + execution lines + planned lots + register rows).
with seen as (
    select buyer_siret, buyer_name, buyer_type from contracts where buyer_siret is not null
    union all
    select buyer_siret, buyer_name, buyer_type from clause_hours where buyer_siret is not null
    union all
    select buyer_siret, buyer_name, buyer_type from clause_planned where buyer_siret is not null
    union all
    select buyer_id, buyer_name, buyer_type from buyers_register where buyer_id is not null
),

ids as (
    select
        s.buyer_siret,
        count(*) as n_rows,
        stg_most_frequent(histogram(s.buyer_name)) as buyer_name,
        stg_most_frequent(histogram(s.buyer_type)) as buyer_type,
        case when regexp_full_match(s.buyer_siret, '[0-9]{14}') then left(s.buyer_siret, 9)
             when regexp_full_match(s.buyer_siret, '[0-9]{9}') then s.buyer_siret end as direct_siren
    from seen as s
    group by s.buyer_siret
),

keyed as (
    select
        i.*,
        nullif(trim(regexp_replace(strip_accents(upper(coalesce(i.buyer_name, ''))), '[^A-Z0-9]+', ' ', 'g')), '')
            as name_key
    from ids as i
),

register_names as (
    -- normalised register names designating exactly one organisation
    select
        trim(regexp_replace(strip_accents(upper(r.buyer_name)), '[^A-Z0-9]+', ' ', 'g')) as name_key,
        min(left(r.buyer_id, 9)) as siren
    from buyers_register as r
    where r.buyer_name is not null and regexp_full_match(r.buyer_id, '[0-9]{9}|[0-9]{14}')
    group by all
    having count(distinct left(r.buyer_id, 9)) = 1
),

known_names as (
    -- normalised names of well-formed identifiers designating exactly one organisation
    select name_key, min(direct_siren) as siren
    from keyed
    where direct_siren is not null and name_key is not null
    group by all
    having count(distinct direct_siren) = 1
)

select
    k.buyer_siret,
    coalesce(k.direct_siren, rn.siren, kn.siren) as buyer_siren,
    case when regexp_full_match(k.buyer_siret, '[0-9]{14}') then 'siret'
         when k.direct_siren is not null then 'siren'
         when rn.siren is not null then 'register_name'
         when kn.siren is not null then 'name'
         else 'unresolved' end as resolution,
    k.buyer_name,
    k.name_key,
    k.buyer_type,
    k.n_rows
from keyed as k
left join register_names as rn on k.direct_siren is null and rn.name_key = k.name_key
left join known_names as kn on k.direct_siren is null and kn.name_key = k.name_key
