-- stg_amount_brackets: French labels of the contract amount brackets.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: how to label the `amount_bracket` codes of stg_contracts (thresholds: 40 k€ DECP
--          publication, 90 k€ advertising, 221 k€ and 5,538 M€ EU thresholds); the `amount_bracket`
--          domain of stg_codes.
-- Grain: one row per bracket code.
-- Columns: amount_bracket, label, bracket_order.
select code as amount_bracket, label, sort_order as bracket_order
from stg_codes
where domain = 'amount_bracket'
