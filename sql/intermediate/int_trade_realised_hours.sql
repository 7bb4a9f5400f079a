-- int_trade_realised_hours: the region's realised insertion hours per euro, by trade.
-- materialized: table
-- Answers: on lots of each trade that have execution lines and a known amount, how many hours
--          were worked per euro of contract (to set beside the hours grid's estimate).
-- Grain: one row per trade (trades of clause_planned; 'other' when missing).
-- Columns: trade, n_lots, contract_amount, hours_worked, n_participants.
with lot_hours as (
    select lot_key, sum(hours) as hours_worked, list(distinct participant_id) as participants
    from int_hours_lines
    where lot_key is not null
    group by lot_key
),

lots as (
    select p.trade, p.lot_key, p.contract_amount, h.hours_worked, h.participants
    from int_planned_lots as p
    join lot_hours as h using (lot_key)
    where p.contract_amount > 0
)

select
    trade,
    count(*) as n_lots,
    sum(contract_amount) as contract_amount,
    sum(hours_worked) as hours_worked,
    len(list_distinct(flatten(list(participants)))) as n_participants
from lots
group by trade
