-- stg_amount_brackets: French labels of the contract amount brackets.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: how to label the `amount_bracket` codes of stg_contracts (thresholds: 40 k€ DECP
--          publication, 90 k€ advertising, 221 k€ and 5,538 M€ EU thresholds).
-- Grain: one row per bracket code.
-- Columns: amount_bracket, label, bracket_order.
select * from (values
    ('lt_40k',   'Moins de 40 k€',            1),
    ('40k_90k',  'De 40 k€ à 90 k€',          2),
    ('90k_221k', 'De 90 k€ à 221 k€',         3),
    ('221k_1m',  'De 221 k€ à 1 M€',          4),
    ('1m_5_5m',  'De 1 M€ à 5,5 M€',          5),
    ('ge_5_5m',  '5,5 M€ et plus',            6),
    ('unknown',  'Montant inconnu',           7)
) as t(amount_bracket, label, bracket_order)
