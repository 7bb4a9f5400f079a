-- mart_hours_grid: the hours grid calculator (indicator 8).
-- Answers: for a contract amount (EUR HT) of a trade, how many hours of work it represents and how
--          many insertion hours a clause at `rate` asks for:
--          estimated_total_hours = amount x labour_share / hourly_cost,
--          estimated_insertion_hours = estimated_total_hours x rate
--          (e.g. 1 000 000 x 50 % x 5 % / 30 = 833 h); beside it, what the region actually
--          realised per euro on lots of that trade.
-- Grain: exactly one row.
-- Parameters: amount, trade, rate (0.05 = 5 %), hourly_cost and labour_share (default: the
--             trade's defaults in stg_hours_grid_defaults; 'other' for an unknown trade).
-- Columns: trade, amount, labour_share, hourly_cost, rate, estimated_total_hours,
--          estimated_insertion_hours, fte_hours (settings.fte_hours of the build),
--          estimated_insertion_fte (= estimated_insertion_hours / fte_hours), realised_hours_per_million, realised_hours_estimate, n_lots,
--          n_participants, is_masked.
-- Masking: the realised figures (people) are masked when n_participants is below the threshold.
create or replace macro mart_hours_grid(amount, trade, rate, hourly_cost := null, labour_share := null) as table
with defaults as (
    -- aggregates rather than scalar subqueries: DuckDB rejects a parameter named like a column
    -- of a subquery's table
    select
        coalesce(max(d.labour_share) filter (where d.trade = trade),
                 max(d.labour_share) filter (where d.trade = 'other')) as default_share,
        coalesce(max(d.hourly_cost) filter (where d.trade = trade),
                 max(d.hourly_cost) filter (where d.trade = 'other')) as default_cost
    from stg_hours_grid_defaults as d
),

realised as (
    select
        max(r.n_lots) as n_lots,
        max(r.contract_amount) as contract_amount,
        max(r.hours_worked) as hours_worked,
        coalesce(max(r.n_participants), 0) as n_participants
    from int_trade_realised_hours as r
    where r.trade = trade
),

grid as (
    select
        coalesce(labour_share, d.default_share) as share,
        coalesce(hourly_cost, d.default_cost) as cost,
        r.*,
        int_primary_masked(r.n_participants, false) as is_masked
    from defaults as d, realised as r
)

select
    trade as trade,
    amount::double as amount,
    g.share as labour_share,
    g.cost as hourly_cost,
    rate::double as rate,
    amount * g.share / g.cost as estimated_total_hours,
    amount * g.share / g.cost * rate as estimated_insertion_hours,
    (select s.fte_hours from stg_settings as s) as fte_hours,
    amount * g.share / g.cost * rate / (select s.fte_hours from stg_settings as s) as estimated_insertion_fte,
    case when not g.is_masked then g.hours_worked / nullif(g.contract_amount, 0) * 1e6 end
        as realised_hours_per_million,
    case when not g.is_masked then amount * g.hours_worked / nullif(g.contract_amount, 0) end
        as realised_hours_estimate,
    coalesce(g.n_lots, 0) as n_lots,
    case when not g.is_masked then g.n_participants end as n_participants,
    g.is_masked
from grid as g
