-- int_breakdown_rows: table macro, the rows a breakdown mart returns: labelled, ordered, checked.
-- Answers: for the cells of one breakdown, the label of each value (int_dimension_labels; the total
--          row's label from stg_codes, domain `row`), its sort key (total row last; the values in
--          their natural order: dim_order, else the code's sort order of an ordered dimension, then
--          by the mart's measure, largest first, then by value), and the check that the dimension is
--          one the mart offers (else a French error naming the mart and the dimensions it takes).
--          The breakdown marts (mart_contract_share, mart_hours, mart_participants, mart_exits) end
--          with it.
-- Grain: the rows of `cells`.
-- Parameters: cells (name of a CTE or table with is_total, value, dim_order and the measure),
--             mart (the mart's name, for the error), dimension (the breakdown asked for),
--             dimensions (list of the dimensions the mart offers), measure (name of the column the
--             values are sorted by, largest first).
-- Columns: dimension, value, label, is_total, sort_key, then the other columns of `cells` (dim_order
--          left out).
create or replace macro int_breakdown_rows(cells, mart, dimension, dimensions, measure) as table
select
    dimension as dimension,
    c.value,
    case when c.is_total then t.label else lb.label end as label,
    c.is_total,
    row_number() over (order by c.is_total, coalesce(c.dim_order, lb.sort_order) nulls last,
                                struct_extract(c, measure) desc, c.value) as sort_key,
    c.* exclude (value, is_total, dim_order)
from query_table(cells) as c
left join int_dimension_labels as lb
    on lb.dim = dimension and lb.dim_value = c.value
left join stg_codes as t
    on c.is_total and t.domain = 'row' and t.code = 'total'
where case when list_contains(dimensions, dimension) then true
           else error(mart || ' : dimension inconnue « ' || coalesce(dimension, 'null')
                      || ' » (attendu : ' || array_to_string(dimensions, ', ') || ')') end
