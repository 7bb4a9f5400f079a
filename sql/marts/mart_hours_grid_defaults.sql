-- mart_hours_grid_defaults: the hours grid's editable defaults with the region's realised figures.
-- Answers: for each trade, the labour share and hourly cost the grid assumes, the insertion hours
--          per million euros they give at a 5 % rate, and the hours the region actually realised
--          per million euros on lots of that trade.
-- Grain: one row per trade of stg_hours_grid_defaults.
-- Columns: trade, labour_share, hourly_cost, grid_hours_per_million_at_5pct,
--          realised_hours_per_million, n_lots, n_participants, is_masked.
-- Masking: realised figures masked per trade when n_participants is below the threshold, with
--          secondary masking across trades (int_cell_masked).
with joined as (
    select
        d.trade,
        d.labour_share,
        d.hourly_cost,
        coalesce(r.n_lots, 0) as n_lots,
        r.contract_amount,
        r.hours_worked,
        coalesce(r.n_participants, 0) as n_participants
    from stg_hours_grid_defaults as d
    left join int_trade_realised_hours as r using (trade)
),

masked as (
    select *, int_cell_masked(n_participants, false, 'trades') as is_masked from joined
)

select
    trade,
    labour_share,
    hourly_cost,
    1e6 * labour_share / hourly_cost * 0.05 as grid_hours_per_million_at_5pct,
    case when not is_masked then hours_worked / nullif(contract_amount, 0) * 1e6 end
        as realised_hours_per_million,
    n_lots,
    case when not is_masked then n_participants end as n_participants,
    is_masked
from masked
order by trade
