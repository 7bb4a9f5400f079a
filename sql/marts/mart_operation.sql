-- mart_operation: operations by code, their identity and the names the files give them.
-- Answers: what is operation X (code, name, QPV, commune, département, buyers), and do the
--          facilitators' files agree on its name? The same code named differently is one
--          operation (int_operations): n_names > 1 lists the names with their files, for Qualité.
-- Grain: one row per operation code (one row when `operation` is given).
-- Parameters: operation (code; null = every operation), landlord (SIREN or SIRET: only the
--             operations having lines or lots of that buyer organisation).
-- Columns: operation_id, operation_name, label (`CODE · Name`), n_names, names (list of
--          struct(name, n_rows, source_files)), other_names (the names but the kept one, '; '),
--          operation_qpv, operation_commune_code, commune_name, departement_code, buyers (list of
--          struct(buyer_siren, buyer_name)), n_lots, n_lines.
create or replace macro mart_operation(operation := null, landlord := null) as table
with buyers as (
    select x.operation_id, x.buyer_siren
    from (select operation_id, buyer_siren from int_hours_lines
          union select operation_id, buyer_siren from int_planned_lots) as x
    where x.operation_id is not null and x.buyer_siren is not null
),

named_buyers as (
    select b.operation_id, list({'buyer_siren': b.buyer_siren, 'buyer_name': o.buyer_name}
                                order by o.buyer_name, b.buyer_siren) as buyers
    from (select distinct operation_id, buyer_siren from buyers) as b
    join int_organisations as o using (buyer_siren)
    group by all
)

select
    o.operation_id,
    o.operation_name,
    o.operation_id || ' · ' || o.operation_name as label,
    o.n_names,
    o.names,
    array_to_string([n.name for n in o.names if n.name <> o.operation_name], '; ') as other_names,
    o.operation_qpv,
    o.operation_commune_code,
    c.commune_name,
    c.departement_code,
    coalesce(nb.buyers, []) as buyers,
    o.n_lots,
    o.n_lines
from int_operations as o
left join (select commune_code, any_value(commune_name) as commune_name, any_value(departement_code) as departement_code
           from ref_communes group by all) as c on c.commune_code = o.operation_commune_code
left join named_buyers as nb using (operation_id)
where (operation is null or o.operation_id = operation)
  and (landlord is null or exists (select 1 from buyers as b
                                   where b.operation_id = o.operation_id and b.buyer_siren = int_siren(landlord)))
order by o.operation_id
