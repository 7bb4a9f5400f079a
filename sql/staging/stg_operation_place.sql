-- stg_operation_place: table macro, the rows of a clause export with their operation's territory
-- and their maître d'ouvrage's organisation (the one rule both clause staging views apply).
-- Answers: for each row of `rows`, the département and EPCI of its operation's commune (the
--          département from the code's first two characters when the commune is not in the
--          register), the buyer's organisation (stg_buyer_establishments; null when unresolved),
--          and the buyer type 'other' when the export gives none.
-- Grain: one row per row of `rows`.
-- Parameters: rows (name of a CTE or table with operation_commune_code, buyer_siret, buyer_type).
-- Columns: the columns of `rows` (buyer_type defaulted), then operation_departement_code,
--          operation_epci_code, buyer_siren.
create or replace macro stg_operation_place(rows) as table
select
    r.* replace (coalesce(r.buyer_type, 'other') as buyer_type),
    coalesce(oc.departement_code,
             case when r.operation_commune_code is not null
                  then left(r.operation_commune_code, 2) end) as operation_departement_code,
    oc.epci_code as operation_epci_code,
    o.buyer_siren
from query_table(rows) as r
left join ref_communes as oc on oc.commune_code = r.operation_commune_code
left join stg_buyer_establishments as o on o.buyer_siret = r.buyer_siret
