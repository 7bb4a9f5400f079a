-- int_organisations: buyers as organisations (SIREN), with their name, type, territory and establishments.
-- materialized: table
-- Answers: who is organisation X? Its name is the buyers register's (a register row whose
--          identifier is the SIREN or one of its SIRETs, the SIREN's row first), else the most
--          frequent name of its DECP contracts, else of its execution lines and planned lots
--          (ties by name);
--          its type the register's, else the most frequent; its département the most frequent
--          département of its DECP contracts (else of its operations).
-- Grain: one row per organisation (buyer_siren of stg_buyer_establishments, never null).
-- Columns: buyer_siren, buyer_name, buyer_type, departement_code, n_establishments (well-formed
--          SIRETs), establishments (list of those SIRETs, sorted), n_aliases (malformed identifiers
--          resolved to it), n_contracts (DECP), n_lines (execution lines), n_planned (planned lots).
with establishments as (
    select * from stg_buyer_establishments where buyer_siren is not null
),

register as (
    select
        left(r.buyer_id, 9) as buyer_siren,
        first(r.buyer_name order by (r.buyer_id = left(r.buyer_id, 9)) desc, r.buyer_id) as buyer_name,
        first(r.buyer_type order by (r.buyer_id = left(r.buyer_id, 9)) desc, r.buyer_id) as buyer_type
    from buyers_register as r
    where regexp_full_match(r.buyer_id, '[0-9]{9}|[0-9]{14}') and r.buyer_name is not null
    group by all
),

records as (
    select buyer_siren, buyer_name, buyer_type, 'contract' as source, departement_code from stg_contracts
    where buyer_siren is not null
    union all
    select buyer_siren, buyer_name, buyer_type, 'line', operation_departement_code from stg_clause_hours
    where buyer_siren is not null
    union all
    select buyer_siren, buyer_name, buyer_type, 'planned', operation_departement_code from stg_clause_planned
    where buyer_siren is not null
),

names as (
    -- the DECP's names first (the buyer's own publications), then the facilitators' files'
    select buyer_siren, first(buyer_name order by n_decp desc, n desc, buyer_name) as buyer_name
    from (select buyer_siren, buyer_name, count(*) filter (where source = 'contract') as n_decp, count(*) as n
          from records where buyer_name is not null group by all)
    group by all
),

types as (
    select buyer_siren, stg_most_frequent(histogram(buyer_type)) as buyer_type from records group by all
),

places as (
    select buyer_siren, first(departement_code order by from_decp desc, n desc, departement_code) as departement_code
    from (select buyer_siren, departement_code, source = 'contract' as from_decp, count(*) as n from records
          where departement_code is not null group by all)
    group by all
),

counts as (
    select
        buyer_siren,
        count(*) filter (where source = 'contract') as n_contracts,
        count(*) filter (where source = 'line') as n_lines,
        count(*) filter (where source = 'planned') as n_planned
    from records
    group by all
),

orgs as (
    select
        buyer_siren,
        list_sort(list(buyer_siret) filter (where resolution = 'siret')) as establishments,
        count(*) filter (where resolution in ('register_name', 'name')) as n_aliases
    from establishments
    group by all
)

select
    o.buyer_siren,
    coalesce(r.buyer_name, n.buyer_name, o.buyer_siren) as buyer_name,
    coalesce(r.buyer_type, t.buyer_type, 'other') as buyer_type,
    p.departement_code,
    len(o.establishments) as n_establishments,
    o.establishments,
    o.n_aliases,
    coalesce(c.n_contracts, 0) as n_contracts,
    coalesce(c.n_lines, 0) as n_lines,
    coalesce(c.n_planned, 0) as n_planned
from orgs as o
left join register as r using (buyer_siren)
left join names as n using (buyer_siren)
left join types as t using (buyer_siren)
left join places as p using (buyer_siren)
left join counts as c using (buyer_siren)
