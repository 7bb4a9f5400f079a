-- stg_hours_grid_defaults: THE one editable place for the hours grid's defaults by trade.
-- materialized: table (read by table macros: DuckDB would substitute macro parameters into a view body)
-- Answers: which labour share (share of the amount HT paid as labour) and loaded hourly cost (EUR)
--          the hours grid uses for each trade (corps d'état).
--          Sources: domain brief §3.5 (painting ~70 %, masonry ~50 %, steel framing ~20 %, cleaning
--          ~80 % at ~20 EUR/h, green spaces 60-70 %, road works 25-35 %, structural work 40-50 %,
--          25-35 EUR/h in construction). Other trades: project estimates, to be checked locally.
-- Grain: one row per trade code (codes of clause_planned.trade).
-- Columns: trade, labour_share (0-1), hourly_cost (EUR per hour).
select trade, labour_share::double as labour_share, hourly_cost::double as hourly_cost
from (values
    ('painting',        0.70, 30.0),
    ('masonry',         0.50, 30.0),
    ('structural_work', 0.45, 30.0),
    ('steel_framing',   0.20, 32.0),
    ('roofing',         0.45, 32.0),
    ('plumbing',        0.40, 32.0),
    ('electricity',     0.40, 32.0),
    ('joinery',         0.40, 30.0),
    ('road_works',      0.30, 30.0),
    ('green_spaces',    0.65, 25.0),
    ('cleaning',        0.80, 20.0),
    ('waste',           0.55, 22.0),
    ('demolition',      0.45, 30.0),
    ('engineering',     0.30, 45.0),
    ('other',           0.40, 30.0)
) as t(trade, labour_share, hourly_cost)
