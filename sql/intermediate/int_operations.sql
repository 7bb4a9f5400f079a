-- int_operations: operations (NPNRU projects, GUP...) by code, with the names the files give them.
-- materialized: table
-- Answers: what is operation X called, where is it, and do the facilitators' files agree on its
--          name? An operation is its code (operation_id): the same code named differently in two
--          files is one operation, named by its most frequent name (execution lines and planned
--          lots, ties by name); the other names are kept to be reported on Qualité.
-- Grain: one row per operation_id (never null) of clause_hours or clause_planned.
-- Columns: operation_id, operation_name, n_names (distinct non-empty names), names (list of
--          struct(name, n_rows, source_files), most frequent first), operation_qpv,
--          operation_commune_code (most frequent), n_lines, n_lots.
with records as (
    select operation_id, nullif(trim(operation_name), '') as operation_name, operation_qpv,
           operation_commune_code, source_file, 'line' as source
    from clause_hours where operation_id is not null
    union all
    select operation_id, nullif(trim(operation_name), ''), operation_qpv, operation_commune_code,
           source_file, 'lot'
    from clause_planned where operation_id is not null
),

names as (
    select operation_id, operation_name, count(*) as n_rows,
           list_sort(list_distinct(list(source_file))) as source_files
    from records where operation_name is not null
    group by all
),

named as (
    select
        operation_id,
        first(operation_name order by n_rows desc, operation_name) as operation_name,
        count(*) as n_names,
        list({'name': operation_name, 'n_rows': n_rows, 'source_files': source_files}
             order by n_rows desc, operation_name) as names
    from names
    group by all
),

places as (
    select
        operation_id,
        first(operation_qpv order by operation_qpv is null, operation_qpv) as operation_qpv,
        mode(operation_commune_code) as operation_commune_code,
        count(*) filter (where source = 'line') as n_lines,
        count(*) filter (where source = 'lot') as n_lots
    from records
    group by all
)

select
    p.operation_id,
    coalesce(n.operation_name, p.operation_id) as operation_name,
    coalesce(n.n_names, 0) as n_names,
    coalesce(n.names, []) as names,
    p.operation_qpv,
    p.operation_commune_code,
    p.n_lines,
    p.n_lots
from places as p
left join named as n using (operation_id)
